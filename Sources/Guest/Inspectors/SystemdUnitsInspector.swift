import BlockIO
import FileSystems

/// Which systemd units start at boot: links in `*.wants/` and `*.requires/` folders, masks (a
/// link to `/dev/null`), and SysV `rc?.d/S??name` links (systemd-sysv-generator turns them into
/// `name.service` when no native unit has that name). Results go to `facts.network.units`, sorted by name.
public struct SystemdUnitsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "systemd-units"
    /// Unit folders, highest priority first (`/run` is never in an image).
    public static let unitDirectories = [
        "/etc/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
    ]
    /// SysV runlevel folders for the multi-user runlevels.
    public static let sysvDirectories = [
        "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rc.d/rc3.d", "/etc/rc.d/rc5.d",
    ]
    /// At most this many entries are read in one `.wants` folder.
    static let maximumEntries = 10_000

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.unitDirectories.flatMap { [$0 + "/*", $0 + "/*.wants/*", $0 + "/*.requires/*"] }
                + Self.sysvDirectories.map { $0 + "/*" })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var units: [String: UnitFacts] = [:]
        func unit(_ n: String) -> UnitFacts { units[n] ?? UnitFacts(name: n) }
        for dir in try Self.distinctDirectories(tree, Self.unitDirectories) {
            guard let entries = try tree.list(dir) else { continue }
            for e in entries.prefix(Self.maximumEntries) {
                let path = dir + "/" + e.name
                if e.type == .symlink, try Self.isMask(tree, path) {
                    var u = unit(e.name)
                    u.masked = true
                    u.evidence.append(.path(path))
                    units[e.name] = u
                    continue
                }
                guard e.type == .directory, e.name.hasSuffix(".wants") || e.name.hasSuffix(".requires") else {
                    continue
                }
                for link in (try tree.list(path) ?? []).prefix(Self.maximumEntries) {
                    let linkPath = path + "/" + link.name
                    var u = unit(link.name)
                    u.evidence.append(.path(linkPath))
                    do {
                        if try tree.resolve(linkPath) != nil {
                            u.enabled = true
                        } else if u.problem == nil {
                            u.problem = "\(linkPath) points to a missing unit"
                        }
                    } catch let err as ImageError {
                        u.problem = "\(linkPath): \(err.detail)"
                    }
                    units[link.name] = u
                }
            }
        }
        for dir in Self.sysvDirectories {
            for e in try tree.list(dir) ?? [] {
                let n = Array(e.name)
                guard n.count > 3, n[0] == "S", n[1].isNumber, n[2].isNumber else { continue }
                let service = String(n[3...]) + ".service"
                // systemd-sysv-generator makes a unit of an init script only when no native unit
                // of that name exists (Debian ships both for networking and cloud-init).
                guard try Self.unitFile(tree, service) == nil else { continue }
                var u = unit(service)
                u.enabled = true
                u.evidence.append(.path(dir + "/" + e.name))
                units[service] = u
            }
        }
        facts.network.units = units.values.map { u in
            var u = u
            u.evidence.sort()
            return u
        }.sorted()
    }

    /// Folders that exist, each once (a merged-/usr `/lib` reaches `/usr/lib`'s folder).
    static func distinctDirectories(_ tree: GuestTree, _ dirs: [String]) throws -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for d in dirs {
            guard let c = try tree.canonical(d), !seen.contains(c) else { continue }
            seen.insert(c)
            out.append(d)
        }
        return out
    }

    /// A link to `/dev/null` (systemctl mask).
    static func isMask(_ tree: GuestTree, _ path: String) throws -> Bool {
        let target = try tree.destination(ofSymbolicLink: path)
        return target == "/dev/null"
    }

    /// The units of `names` the image has, in that order: the enablement `known` found for each
    /// (`NetworkFacts.units`) with its unit file added to the evidence; a name with neither a state
    /// nor a file is left out. One lookup for every inspector that asks whether a service runs.
    static func installedUnits(_ tree: GuestTree, _ names: [String], known: [UnitFacts]) throws
        -> [(unit: UnitFacts, file: String?)]
    {
        var out: [(unit: UnitFacts, file: String?)] = []
        for name in names {
            let state = known.first { $0.name == name }
            let file = try unitFile(tree, name)
            guard file != nil || state != nil else { continue }
            var u = state ?? UnitFacts(name: name)
            if let file { u.evidence = (u.evidence + [.path(file)]).sorted() }
            out.append((u, file))
        }
        return out
    }

    /// The unit file for `name` (`dhclient@eth0.service` falls back to the template
    /// `dhclient@.service`), first in priority order; nil when none exists.
    static func unitFile(_ tree: GuestTree, _ name: String) throws -> String? {
        var candidates = [name]
        if let at = name.firstIndex(of: "@"), let dot = name.lastIndex(of: "."), at < dot {
            candidates.append(String(name[...at]) + String(name[dot...]))
        }
        // Each folder resolved once per tree, then one lookup per name in it: most names are
        // in none of the four (a service asked for that is not installed) or only the last.
        for c in candidates {
            for dir in unitDirectories {
                if let r = try tree.resolve(c, inDirectory: dir), r.attributes.type == .regular { return dir + "/" + c }
            }
        }
        return nil
    }
}
