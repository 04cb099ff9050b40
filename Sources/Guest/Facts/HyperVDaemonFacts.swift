/// The Hyper-V KVP daemon, which hands the host the VM's addresses, hostname and OS version
/// (PROFILE-AZURE-IMAGE.md `hyperv-daemons`): the packages that ship it and the programs found.
public struct HyperVDaemonFacts: Sendable, Hashable, Codable {
    /// Installed packages that ship the daemon, sorted by name.
    public var packages: [PackageFact]
    /// The KVP daemon programs found.
    public var binaries: [Evidence]
    /// Paths that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `HyperVDaemonsInspector`.
    public init(packages: [PackageFact] = [], binaries: [Evidence] = [], problems: [String] = []) {
        self.packages = packages
        self.binaries = binaries
        self.problems = problems
    }

    /// True when neither a package nor a program was found.
    public var isAbsent: Bool { packages.isEmpty && binaries.isEmpty }
}
