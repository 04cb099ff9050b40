import BlockIO

/// WALinuxAgent: its package, Python sources and program, its units, and `/etc/waagent.conf`.
public struct WAAgentInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "waagent"
    /// The package's names (Debian and Ubuntu, then RPM distributions).
    public static let packageNames = ["walinuxagent", "WALinuxAgent"]
    /// Where the program is installed.
    static let binaries = ["/usr/sbin/waagent", "/usr/bin/waagent", "/usr/local/sbin/waagent"]
    /// The unit names (Debian and Ubuntu, then RHEL and SUSE).
    public static let unitNames = ["walinuxagent.service", "waagent.service"]
    static let configuration = "/etc/waagent.conf"
    /// The settings recorded; others (proxies, extensions) are not the checks' business.
    public static let keysOfInterest: Set<String> = [
        "Provisioning.Agent", "Provisioning.Enabled", "Provisioning.UseCloudInit", "ResourceDisk.Format",
        "ResourceDisk.EnableSwap",
    ]
    static let versionFile = "/azurelinuxagent/common/version.py"

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.binaries + [Self.configuration] + CloudInitInspector.pythonSites.map { $0 + Self.versionFile }
                + SystemdUnitsInspector.unitDirectories.flatMap { d in Self.unitNames.map { d + "/" + $0 } })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// No later inspector reads the agent facts: it runs beside them (`GuestInspector`).
    public var runsBesideLaterOnes: Bool { true }

    public func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts) {
        facts.waagent = result.waagent
    }

    /// Fills `facts.waagent` (after the package database and the systemd units).
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var w = WAAgentFacts()
        let packages = facts.packages
        w.package = packages.first { Self.packageNames.contains($0.name) }
        do {
            for site in CloudInitInspector.pythonSites {
                for dir in try tree.expand(site) where w.pythonVersion == nil {
                    let path = dir + Self.versionFile
                    guard let f = try tree.text(path),
                        let v = CloudInitInspector.pythonAssignments(f.text)["AGENT_VERSION"], !v.isEmpty
                    else { continue }
                    w.pythonVersion = PythonVersionFact(version: v, variable: "AGENT_VERSION", evidence: .path(path))
                }
            }
            w.binaries += try tree.programs(Self.binaries).map { .path($0.path) }
            w.units += try SystemdUnitsInspector.installedUnits(tree, Self.unitNames, known: facts.network.units).map(
                \.unit)
        } catch let e as ImageError {
            w.problems.append(e.detail)
        }
        do {
            if let f = try tree.text(Self.configuration) {
                w.configuration = .path(Self.configuration)
                w.settings = Self.settings(f.text)
            }
        } catch let e as ImageError {
            w.problems.append(e.detail)
        }
        facts.waagent = w
    }

    /// The settings of interest, parsed as waagent's `ConfigurationProvider` does: `#` lines are
    /// comments, a value ends at `#`, surrounding blanks and quotes go, and a later line wins.
    static func settings(_ text: String) -> [WAAgentSetting] {
        var byKey: [String: WAAgentSetting] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingASCIIWhitespace()
            guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmingASCIIWhitespace()
            guard Self.keysOfInterest.contains(key) else { continue }
            var value = line[line.index(after: eq)...]
            if let hash = value.firstIndex(of: "#") { value = value[..<hash] }
            let cleaned = String(value).trimmingASCIIWhitespace().trimmingCharacters(in: "\" ")
            byKey[key] = WAAgentSetting(key: key, value: cleaned, line: n + 1)
        }
        return byKey.values.sorted()
    }
}
