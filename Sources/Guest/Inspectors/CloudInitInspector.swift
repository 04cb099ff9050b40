import BlockIO
import Yams

/// cloud-init: the package, the installed Python package's declared version and VF-filter
/// marker, the `datasource_list` in effect, and what would stop it from running.
public struct CloudInitInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "cloud-init"
    /// Folders that may hold the `cloudinit` Python package.
    public static let pythonSites = [
        "/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages", "/usr/lib64/python3*/site-packages",
        "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
    ]
    /// The function 23.2 added to ignore VFs sharing a MAC with an `hv_netvsc` interface.
    public static let vfFilterFunction = "filter_hyperv_vf_with_synthetic_interface"
    /// Units whose state is reported (`cloud-init-main`/`-network` replaced `cloud-init.service` in 24.3).
    public static let unitNames = [
        "cloud-init.target", "cloud-init-local.service", "cloud-init.service", "cloud-init-main.service",
        "cloud-init-network.service", "cloud-config.service", "cloud-final.service",
    ]
    static let disabledMarker = "/etc/cloud/cloud-init.disabled"
    static let maximumConfigFiles = 256

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.pythonSites.flatMap {
                [$0 + "/cloudinit/version.py", $0 + "/cloudinit/meson_versions.py", $0 + "/cloudinit/net/__init__.py"]
            } + ["/etc/cloud/cloud.cfg", "/etc/cloud/cloud.cfg.d/*.cfg", Self.disabledMarker, "/etc/default/grub"]
                + SystemdUnitsInspector.unitDirectories.flatMap { d in Self.unitNames.map { d + "/" + $0 } })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var c = CloudInitFacts()
        c.package = facts.package(named: "cloud-init")
        var seenSites = Set<String>()
        for pattern in Self.pythonSites {
            for site in try tree.expand(pattern) {
                guard let canonical = try tree.canonical(site + "/cloudinit"), seenSites.insert(canonical).inserted
                else {
                    continue
                }
                try readPythonPackage(tree, site + "/cloudinit", into: &c)
            }
        }
        try readDatasourceList(tree, into: &c)
        try readDisableMarkers(tree, units: facts.network.units, into: &c)
        c.pythonVersions.sort()
        c.disableMarkers.sort()
        c.vfFilterEvidence.sort()
        facts.cloudInit = c
    }

    func readPythonPackage(_ tree: GuestTree, _ dir: String, into c: inout CloudInitFacts) throws {
        for (file, names) in [
            ("meson_versions.py", ["UPSTREAM_VERSION"]), ("version.py", ["_PACKAGED_VERSION", "__VERSION__"]),
        ] {
            let path = dir + "/" + file
            do {
                guard let f = try tree.text(path) else { continue }
                let values = Self.pythonAssignments(f.text)
                for n in names {
                    // An unsubstituted `@@PACKAGED_VERSION@@` placeholder is not a version.
                    guard let v = values[n], !v.isEmpty, !v.contains("@@") else { continue }
                    c.pythonVersions.append(PythonVersionFact(version: v, variable: n, evidence: .path(path)))
                    break
                }
            } catch let e as ImageError {
                c.problems.append(e.detail)
            }
        }
        let net = dir + "/net/__init__.py"
        do {
            if let f = try tree.text(net, limit: 4 << 20) {
                c.vfFilterEvidence.append(.path(net))
                let found = f.text.containsBytes("def " + Self.vfFilterFunction)
                c.vfFilterPresent = (c.vfFilterPresent ?? false) || found
            }
        } catch let e as ImageError {
            c.problems.append(e.detail)
        }
    }

    /// `NAME = "value"` (or single quotes) at the start of a line.
    static func pythonAssignments(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<eq]).trimmingASCIIWhitespace()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), line.first != " " else {
                continue
            }
            let value = String(line[line.index(after: eq)...]).trimmingASCIIWhitespace()
            guard value.count >= 2, let q = value.first, q == "\"" || q == "'",
                let end = value.dropFirst().firstIndex(of: q)
            else { continue }
            out[name] = String(value[value.index(after: value.startIndex)..<end])
        }
        return out
    }

    func readDatasourceList(_ tree: GuestTree, into c: inout CloudInitFacts) throws {
        let files =
            ["/etc/cloud/cloud.cfg"]
            + (try tree.glob("/etc/cloud/cloud.cfg.d", "*.cfg")).prefix(Self.maximumConfigFiles)
        var winner: String?
        var read: [Evidence] = []
        for path in files {
            do {
                guard let f = try tree.text(path) else { continue }
                read.append(.path(path))
                // Composed as nodes and read by key: aliases are never expanded (no alias bomb).
                guard let value = try Node.compose(f.text)?.value("datasource_list") else { continue }
                if let list = value.sequence {
                    c.datasourceList = list.prefix(256).map { $0.string ?? "?" }
                } else if let s = value.string, value.scalar != nil {
                    // `datasource_list: Azure` is not a list; cloud-init would reject it.
                    c.datasourceList = [s]
                    c.problems.append("\(path): datasource_list is not a list")
                } else {
                    c.datasourceList = []
                }
                winner = path
            } catch let e as ImageError {
                c.problems.append(e.detail)
            } catch {
                c.problems.append("\(path): not valid YAML: \(String("\(error)".prefix(200)))")
            }
        }
        c.datasourceEvidence = (winner.map { [Evidence.path($0)] } ?? []) + read.filter { $0.value != winner }
    }

    func readDisableMarkers(_ tree: GuestTree, units: [UnitFacts], into c: inout CloudInitFacts) throws {
        if try tree.resolve(Self.disabledMarker, followFinal: false) != nil {
            c.disableMarkers.append(
                DisableMarker(reason: "\(Self.disabledMarker) exists", evidence: [.path(Self.disabledMarker)]))
        }
        if let f = try? tree.text("/etc/default/grub") {
            for line in f.text.activeLines
            where line.hasPrefix("GRUB_CMDLINE_LINUX") && line.contains("cloud-init=disabled") {
                c.disableMarkers.append(
                    DisableMarker(
                        reason: "kernel command line has cloud-init=disabled", evidence: [.path("/etc/default/grub")]))
            }
        }
        for (u, file) in try SystemdUnitsInspector.installedUnits(tree, Self.unitNames, known: units) {
            let name = u.name
            c.units.append(u)
            if u.masked {
                c.disableMarkers.append(DisableMarker(reason: "\(name) is masked", evidence: u.evidence))
            } else if !u.enabled, name.hasSuffix(".service"), file != nil {
                // cloud-init.target itself is pulled in by cloud-init's generator at boot, so only
                // the services' own links say whether they run.
                c.disableMarkers.append(DisableMarker(reason: "\(name) is not enabled", evidence: u.evidence))
            }
        }
    }
}
