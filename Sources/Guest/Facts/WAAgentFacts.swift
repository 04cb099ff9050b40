/// WALinuxAgent (waagent): the package or its Python sources, its service, and the settings of
/// `/etc/waagent.conf` that decide who provisions and what happens to the resource disk.
public struct WAAgentFacts: Sendable, Hashable, Codable {
    /// The package (`walinuxagent` on Debian and Ubuntu, `WALinuxAgent` on RPM distributions).
    public var package: PackageFact?
    /// `AGENT_VERSION` of an installed `azurelinuxagent/common/version.py`.
    public var pythonVersion: PythonVersionFact?
    /// The `waagent` entry points found.
    public var binaries: [Evidence]
    /// The state of each waagent unit (`walinuxagent.service`, `waagent.service`) that exists.
    public var units: [UnitFacts]
    /// `/etc/waagent.conf` when it exists.
    public var configuration: Evidence?
    /// The provisioning and resource-disk settings of the configuration, last one winning as
    /// waagent reads them; keys not written are absent.
    public var settings: [WAAgentSetting]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `WAAgentInspector`.
    public init() {
        package = nil
        pythonVersion = nil
        binaries = []
        units = []
        configuration = nil
        settings = []
        problems = []
    }

    /// True when neither a package, Python sources nor a `waagent` program exist.
    public var isAbsent: Bool { package == nil && pythonVersion == nil && binaries.isEmpty }

    /// The effective setting of `key` (`Provisioning.Agent`), nil when not written.
    public func setting(_ key: String) -> WAAgentSetting? { settings.first { $0.key == key } }
}

/// One `Key=value` line of `/etc/waagent.conf`.
public struct WAAgentSetting: Sendable, Hashable, Codable, Comparable {
    /// The key as waagent names it (`ResourceDisk.Format`).
    public var key: String
    /// The value, trailing comment and quotes removed as waagent does.
    public var value: String
    /// The line, from 1.
    public var line: Int

    /// Creates a value from its fields.
    public init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: WAAgentSetting, b: WAAgentSetting) -> Bool { a.key < b.key }
}
