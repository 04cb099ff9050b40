/// Files that tie an image to the machine it was built or booted on: persistent network rules,
/// installer leftovers in cloud-init's configuration, provisioning state and shell histories
/// (PROFILE-AZURE-IMAGE.md `no-persistent-net-rules`, `cloud-init-leftovers`, `generalized`).
public struct LeftoverFacts: Sendable, Hashable, Codable {
    /// Persistent interface-naming rules found (they pin eth0 to the builder's MAC address).
    public var persistentNetRules: [Evidence]
    /// Installer (curtin, subiquity) configuration found in `/etc/cloud`.
    public var cloudInitLeftovers: [Evidence]
    /// Provisioning state of a VM that ran: cloud-init's instance data, waagent's state and log.
    public var provisioningState: [Evidence]
    /// Every `.bash_history` of root and of `/home/*`, with its size.
    public var shellHistories: [ShellHistoryFact]
    /// Paths that could not be examined, with the reason.
    public var problems: [String]

    /// An empty value, filled by `LeftoverFilesInspector`.
    public init(
        persistentNetRules: [Evidence] = [], cloudInitLeftovers: [Evidence] = [], provisioningState: [Evidence] = [],
        shellHistories: [ShellHistoryFact] = [], problems: [String] = []
    ) {
        self.persistentNetRules = persistentNetRules
        self.cloudInitLeftovers = cloudInitLeftovers
        self.provisioningState = provisioningState
        self.shellHistories = shellHistories
        self.problems = problems
    }
}

/// One shell history file.
public struct ShellHistoryFact: Sendable, Hashable, Codable, Comparable {
    /// The file (`/root/.bash_history`).
    public var path: Evidence
    /// Its size in bytes (0: empty, as deprovisioning leaves it).
    public var size: UInt64

    /// Creates a value from its fields.
    public init(path: Evidence, size: UInt64) {
        self.path = path
        self.size = size
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: ShellHistoryFact, b: ShellHistoryFact) -> Bool { a.path < b.path }
}
