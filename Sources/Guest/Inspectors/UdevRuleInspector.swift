import BlockIO
import FileSystems

/// The SR-IOV rule `10-azure-unmanaged-sriov.rules` in every directory udev reads, and the
/// older Mellanox-only drop-ins left by earlier advice (REQUIREMENTS.md `udev-rule`).
public struct UdevRuleInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "udev-rule"
    /// The older NetworkManager drop-in that leaves only Mellanox VFs alone.
    public static let networkManagerDropIns = [
        "/etc/NetworkManager/conf.d/99-azure-unmanaged-devices.conf",
        "/usr/lib/NetworkManager/conf.d/99-azure-unmanaged-devices.conf",
    ]
    /// The older networkd file that leaves only Mellanox VFs alone.
    public static let networkdDropIns = [
        "/etc/systemd/network/99-azure-unmanaged-devices.network",
        "/usr/lib/systemd/network/99-azure-unmanaged-devices.network",
        "/lib/systemd/network/99-azure-unmanaged-devices.network",
    ]
    static let maximumRuleSize = 256 << 10

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            UdevRuleFacts.directories.flatMap {
                [$0 + "/" + UdevRuleFacts.fileName, $0 + "/" + UdevRuleFacts.legacyNetworkManagerRuleName]
            } + Self.networkManagerDropIns
                + Self.networkdDropIns)
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var udev = UdevRuleFacts()
        var seenDirectories = Set<String>()
        for dir in UdevRuleFacts.directories {
            udev.searched.append(.path(dir))
            guard let canonical = try? tree.canonical(dir), seenDirectories.insert(canonical).inserted else { continue }
            let legacy = dir + "/" + UdevRuleFacts.legacyNetworkManagerRuleName
            if try tree.resolve(legacy, followFinal: false) != nil,
                (try? readRule(tree, legacy, isOverride: false))?.state == .present
            {
                udev.legacyNetworkManagerRules.append(.path(legacy))
            }
            let path = dir + "/" + UdevRuleFacts.fileName
            guard try tree.resolve(path, followFinal: false) != nil else { continue }
            var file = try readRule(tree, path, isOverride: dir.hasPrefix("/etc/"))
            if let db = facts.database, file.state != .masked || !file.isOverride {
                file.owners = (try? db.owners(of: path)) ?? []
            }
            udev.files.append(file)
        }
        facts.udevRule = udev
        facts.legacyDropIns = try legacyDropIns(tree).sorted()
    }

    func readRule(_ tree: GuestTree, _ path: String, isOverride: Bool) throws -> UdevRuleFile {
        var file = UdevRuleFile(path: .path(path), isOverride: isOverride, state: .present)
        do {
            if let link = try tree.attributes(path, followFinal: false), link.type == .symlink {
                let target = try tree.destination(ofSymbolicLink: path)
                if target == "/dev/null" {
                    file.state = .masked
                    file.note = "symlink to /dev/null"
                    return file
                }
            }
            guard let r = try tree.resolve(path) else {
                file.state = .unreadable
                file.note = "dangling symlink"
                return file
            }
            if r.guestPath.description != path { file.resolvedPath = r.guestPath.description }
            guard let text = try tree.text(path, limit: Self.maximumRuleSize) else {
                file.state = .unreadable
                file.note = "dangling symlink"
                return file
            }
            file.activeLines = Self.activeLines(text.text)
            if file.activeLines.isEmpty {
                file.state = .masked
                file.note = "empty (no active lines)"
            }
        } catch let e as ImageError {
            file.state = .unreadable
            file.note = e.detail
        }
        return file
    }

    /// udev(7): `\` at the end joins the next line; `#` starts a comment line; whitespace collapsed.
    static func activeLines(_ text: String) -> [String] {
        var out: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).trimmingASCIIWhitespace()
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            let joined = (pending + line).words.joined(separator: " ")
            pending = ""
            if !joined.isEmpty { out.append(joined) }
        }
        let rest = pending.words.joined(separator: " ")
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    func legacyDropIns(_ tree: GuestTree) throws -> [LegacyDropInFacts] {
        var out: [LegacyDropInFacts] = []
        for (manager, paths, key) in [
            ("NetworkManager", Self.networkManagerDropIns, "unmanaged-devices="),
            ("systemd-networkd", Self.networkdDropIns, "Driver="),
        ] {
            for path in paths {
                let text: TextFile
                do {
                    guard let t = try tree.text(path, limit: Self.maximumRuleSize) else { continue }
                    text = t
                } catch let e as ImageError {
                    out.append(
                        LegacyDropInFacts(manager: manager, path: .path(path), driversLine: e.detail, coversMANA: false)
                    )
                    continue
                }
                let line = text.text.activeLines.first { $0.hasPrefix(key) }
                let drivers = (line ?? "").split(whereSeparator: { " ;=:".contains($0) }).map(String.init)
                out.append(
                    LegacyDropInFacts(
                        manager: manager, path: .path(path), driversLine: line, coversMANA: drivers.contains("mana")))
            }
        }
        return out
    }
}
