import BlockIO

/// The Hyper-V KVP daemon: its packages (RHEL, Fedora and Debian `hyperv-daemons`, SUSE
/// `hyperv-tools`, Ubuntu `linux-cloud-tools-common` and the older `hv-kvp-daemon-init`) and
/// its program, which a package-less image (a hand-built rootfs) may still hold.
public struct HyperVDaemonsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "hyperv-daemons"
    /// The package names, each in PackageDatabaseInspector.namesOfInterest.
    public static let packageNames = [
        "hyperv-daemons", "hv-kvp-daemon-init", "hyperv-tools", "linux-cloud-tools-common",
    ]
    /// The program: `hv_kvp_daemon` everywhere, `hypervkvpd` in older RHEL builds.
    static let binaries = ["/usr/sbin/hv_kvp_daemon", "/usr/bin/hv_kvp_daemon", "/usr/sbin/hypervkvpd"]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest { GuestInterest(Self.binaries) }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Fills `facts.hypervDaemons` (after the package database).
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var h = HyperVDaemonFacts()
        h.packages = facts.packages.filter { Self.packageNames.contains($0.name) }.sorted()
        do {
            h.binaries = try tree.programs(Self.binaries).map { .path($0.path) }
        } catch let e as ImageError {
            h.problems.append(e.detail)
        }
        facts.hypervDaemons = h
    }
}
