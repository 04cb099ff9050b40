import BlockIO

/// Looks for the files a generalized image must not carry (PROFILE-AZURE-IMAGE.md): it only asks
/// whether they exist (and a rule's link target, a history's size); nothing here is read.
public struct LeftoverFilesInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "leftover-files"
    /// udev rules that pin interface names to the builder's MAC address. `75-persistent-net-generator`
    /// is also looked for where udev packages shipped it (`/lib`, `/usr/lib`), as LISA's
    /// `verify_udev_rules_moved` does.
    public static let persistentNetRules = [
        "/etc/udev/rules.d/70-persistent-net.rules", "/etc/udev/rules.d/75-persistent-net-generator.rules",
        "/etc/udev/rules.d/85-persistent-net-cloud-init.rules", "/lib/udev/rules.d/75-persistent-net-generator.rules",
        "/usr/lib/udev/rules.d/75-persistent-net-generator.rules",
    ]
    /// Ubuntu installer files that override cloud-init's networking or datasource detection.
    public static let cloudInitLeftovers = [
        "/etc/cloud/cloud.cfg.d/50-curtin-networking.cfg", "/etc/cloud/cloud.cfg.d/curtin-preserve-sources.cfg",
        "/etc/cloud/cloud.cfg.d/99-installer.cfg", "/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg",
        "/etc/cloud/ds-identify.cfg",
    ]
    /// cloud-init's link to the current instance, and its per-instance folders (`cloud-init clean` removes both).
    static let cloudInstance = "/var/lib/cloud/instance"
    static let cloudInstances = "/var/lib/cloud/instances"
    /// waagent's state folder: after `waagent -deprovision` it is empty (the package ships it empty).
    static let waagentState = "/var/lib/waagent"
    static let waagentLog = "/var/log/waagent.log"
    /// At most this many entries of a state folder, and of `/home`, are listed.
    static let maximumEntries = 4096

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.persistentNetRules + Self.cloudInitLeftovers + [
                Self.cloudInstance, Self.cloudInstances + "/*", Self.waagentState + "/*", Self.waagentLog,
                "/root/.bash_history", "/home/*/.bash_history",
            ])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Records which leftovers exist in `tree`; an unreadable path becomes a problem.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var out = LeftoverFacts()
        func exists(_ path: String) -> Bool {
            do {
                return try tree.resolve(path, followFinal: false) != nil
            } catch let e as ImageError {
                out.problems.append("\(path): \(e.detail)")
            } catch {
                out.problems.append("\(path): \(error)")
            }
            return false
        }
        func entries(_ dir: String) -> [String] {
            do {
                return (try tree.list(dir) ?? []).prefix(Self.maximumEntries).map { dir + "/" + $0.name }
            } catch let e as ImageError {
                out.problems.append("\(dir): \(e.detail)")
            } catch {
                out.problems.append("\(dir): \(error)")
            }
            return []
        }
        // A rule linked to /dev/null is how udev rules are disabled (udev(7)): it renames nothing.
        func masked(_ path: String) -> Bool {
            do {
                guard let link = try tree.attributes(path, followFinal: false), link.type == .symlink else {
                    return false
                }
                return try tree.destination(ofSymbolicLink: path) == "/dev/null"
            } catch let e as ImageError {
                out.problems.append("\(path): \(e.detail)")
            } catch {
                out.problems.append("\(path): \(error)")
            }
            return false
        }
        // One in /etc masks the vendor copies of its name too (/lib, /usr/lib), as udev reads them.
        let maskedNames = Set(
            Self.persistentNetRules.filter { $0.hasPrefix("/etc/") && masked($0) }.map { $0.split(separator: "/").last }
        )
        out.persistentNetRules = Self.persistentNetRules.filter {
            !maskedNames.contains($0.split(separator: "/").last) && exists($0)
        }.map(Evidence.path)
        out.cloudInitLeftovers = Self.cloudInitLeftovers.filter(exists).map(Evidence.path)
        var state = [Self.cloudInstance, Self.waagentLog].filter(exists)
        state += entries(Self.cloudInstances) + entries(Self.waagentState)
        out.provisioningState = state.map(Evidence.path).sorted()
        var homes = ["/root"]
        do {
            homes += (try tree.list("/home") ?? []).prefix(Self.maximumEntries)
                .filter { $0.type == .directory || $0.type == .symlink }.map { "/home/" + $0.name }
        } catch let e as ImageError {
            out.problems.append("/home: \(e.detail)")
        }
        for home in homes {
            let path = home + "/.bash_history"
            do {
                // A link to /dev/null (a common way to keep a history empty) does not resolve in an image.
                guard let r = try tree.resolve(path), r.attributes.type == .regular else { continue }
                out.shellHistories.append(ShellHistoryFact(path: .path(path), size: r.attributes.size))
            } catch let e as ImageError {
                out.problems.append("\(path): \(e.detail)")
            }
        }
        out.shellHistories.sort()
        facts.leftovers = out
    }
}
