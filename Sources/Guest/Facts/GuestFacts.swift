/// Everything the requirement checks read, produced by `GuestInspector.inspect(_:)`.
///
/// Every fact carries its `Evidence`; every list is sorted, so the JSON (printed under `"facts"`
/// by `check --format json` and by `imagegate inspect`) is deterministic. A fact that could not be
/// read holds the reason (an `unreadable` field, or an entry in `problems`), never a silent empty value.
public struct GuestFacts: Sendable, Codable {
    /// Identity from os-release.
    public var os: OSFacts
    /// The package database found and whether it could be read.
    public var packageDatabase: PackageDatabaseFacts
    /// Installed packages of interest (see `PackageDatabaseInspector.namesOfInterest`), sorted by name.
    public var packages: [PackageFact]
    /// Kernels, sorted by release.
    public var kernels: [KernelFacts]
    /// The bootloader's default entry.
    public var boot: BootFacts
    /// The instruction set, from the ELF header of the guest's init.
    public var architecture: ArchitectureFacts
    /// cloud-init's package, sources, datasource config and disable markers.
    public var cloudInit: CloudInitFacts
    /// azure-vm-utils' package or compiled-in version.
    public var azureVMUtils: AzureVMUtilsFacts
    /// The SR-IOV udev rule's copies.
    public var udevRule: UdevRuleFacts
    /// Older Mellanox-only drop-ins (NetworkManager conf, networkd file).
    public var legacyDropIns: [LegacyDropInFacts]
    /// Initramfs hooks (each image is under its kernel).
    public var initramfs: InitramfsFacts
    /// Network managers, their configuration, dhclient calls and MAC-only matches.
    public var network: NetworkFacts
    /// Kernel parameters set at boot (sysctl.d).
    public var sysctl: SysctlFacts
    /// Persistent net rules, installer leftovers, provisioning state and shell histories.
    public var leftovers: LeftoverFacts
    /// Accounts with a usable password, authorized SSH keys, SSH host private keys.
    public var credentials: CredentialFacts
    /// WALinuxAgent's package, units and waagent.conf settings.
    public var waagent: WAAgentFacts
    /// sudo's `targetpw` and `ALL ALL=(ALL) ALL` lines in /etc/sudoers and its includes.
    public var sudoers: SudoersFacts
    /// `/etc/fstab`.
    public var fstab: FstabFacts
    /// Module blocks in `/etc/modprobe.d`.
    public var modprobe: ModprobeFacts
    /// OpenSSH server: package, units, and the global settings after Include.
    public var sshd: SSHDFacts
    /// The Hyper-V KVP daemon's packages and program.
    public var hypervDaemons: HyperVDaemonFacts
    /// Inspectors that failed outright, with the reason; sorted.
    public var problems: [InspectionProblem]
    /// The files a policy declared (`DeclaredInterest.files`), sorted by path; nil (absent from
    /// JSON) when none was declared.
    public var declaredFiles: [DeclaredFileFacts]?

    /// An empty value, filled by the inspectors.
    public init() {
        os = OSFacts()
        packageDatabase = PackageDatabaseFacts()
        packages = []
        kernels = []
        boot = BootFacts()
        architecture = ArchitectureFacts()
        cloudInit = CloudInitFacts()
        azureVMUtils = AzureVMUtilsFacts()
        udevRule = UdevRuleFacts()
        legacyDropIns = []
        initramfs = InitramfsFacts()
        network = NetworkFacts()
        sysctl = SysctlFacts()
        leftovers = LeftoverFacts()
        credentials = CredentialFacts()
        waagent = WAAgentFacts()
        sudoers = SudoersFacts()
        fstab = FstabFacts()
        modprobe = ModprobeFacts()
        sshd = SSHDFacts()
        hypervDaemons = HyperVDaemonFacts()
        problems = []
    }

    /// Installed packages with this name.
    public func packages(named name: String) -> [PackageFact] { packages.filter { $0.name == name } }
    /// The first installed package with this name.
    public func package(named name: String) -> PackageFact? { packages.first { $0.name == name } }
    /// The kernel the bootloader defaults to, when it can be told.
    public var defaultKernel: KernelFacts? { kernels.first { $0.isDefault == true } }
}
