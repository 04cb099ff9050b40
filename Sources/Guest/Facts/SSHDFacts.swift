/// OpenSSH's server: the package or program, its units, and the global settings of interest in
/// effect after `Include` (PROFILE-AZURE-IMAGE.md `sshd`).
public struct SSHDFacts: Sendable, Hashable, Codable {
    /// The `openssh-server` package.
    public var package: PackageFact?
    /// The `sshd` programs found.
    public var binaries: [Evidence]
    /// The state of each sshd unit (`ssh.service`, `sshd.service`, `ssh.socket`, `sshd.socket`) that exists.
    public var units: [UnitFacts]
    /// Every configuration file read, in the order sshd reads them (an `Include` is read in place).
    public var files: [Evidence]
    /// The global value of each keyword of interest: sshd keeps the first one it reads, outside
    /// `Match` blocks; keywords never set are absent.
    public var settings: [SSHDSetting]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `SSHDInspector`.
    public init() {
        package = nil
        binaries = []
        units = []
        files = []
        settings = []
        problems = []
    }

    /// True when neither the package nor an `sshd` program exists.
    public var isAbsent: Bool { package == nil && binaries.isEmpty }

    /// The effective global setting of `keyword` (any case), nil when never set.
    public func setting(_ keyword: String) -> SSHDSetting? {
        settings.first { $0.keyword.lowercased() == keyword.lowercased() }
    }
}

/// One keyword line of an sshd configuration file.
public struct SSHDSetting: Sendable, Hashable, Codable, Comparable {
    /// The keyword as sshd_config(5) spells it (`ClientAliveInterval`).
    public var keyword: String
    /// The arguments as written.
    public var value: String
    /// The file.
    public var path: Evidence
    /// The line, from 1.
    public var line: Int

    /// Creates a value from its fields.
    public init(keyword: String, value: String, path: Evidence, line: Int) {
        self.keyword = keyword
        self.value = value
        self.path = path
        self.line = line
    }

    /// Where it is written (`/etc/ssh/sshd_config.d/50-cloud-init.conf:1`).
    public var location: String { "\(path.value):\(line)" }

    /// A stable order for sorted, deterministic output.
    public static func < (a: SSHDSetting, b: SSHDSetting) -> Bool { a.keyword < b.keyword }
}
