import PackageDatabases

/// The version thresholds of the catalogue, named once: titles, expectations, comparisons and
/// summaries all read these (REQUIREMENTS.md gives the reason for each).
extension Requirement {
    /// A custom kernel (not owned by an endorsed distribution's package manager) is accepted from
    /// this release on: Linux 6.12 has MANA and the hv_netvsc VF fixes.
    static let minimumCustomKernel = KernelRelease("6.12")
    /// cloud-init from this upstream version ignores every VF sharing a MAC with a synthetic interface.
    static let minimumCloudInit = "23.2"
    /// azure-vm-utils from this upstream version ships the udev rule, networkd file and initramfs hooks.
    static let minimumAzureVMUtils = "0.6.0"
}
