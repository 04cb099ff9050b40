import BlockIO

/// `dhclient` run directly by enabled units and `rc.local` (ifupdown hooks are found while
/// reading its files), with the interfaces named.
public struct DhclientInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "dhclient"
    /// The rc.local scripts rc-local.service runs.
    public static let rcLocal = ["/etc/rc.local", "/etc/rc.d/rc.local"]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(Self.rcLocal + SystemdUnitsInspector.unitDirectories.map { $0 + "/*.service" })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var calls = facts.network.dhclientCalls
        for unit in facts.network.units where unit.enabled && !unit.masked && unit.name.hasSuffix(".service") {
            do {
                guard let path = try SystemdUnitsInspector.unitFile(tree, unit.name), let f = try tree.text(path) else {
                    continue
                }
                let instance = unit.name.split(separator: "@").dropFirst().first.map {
                    String($0.split(separator: ".").first ?? "")
                }
                let ini = IniFile(f.text)
                for s in ini.settings where s.section == "Service" && s.key.hasPrefix("Exec") {
                    for call in DhclientCommand.calls(in: s.value, instance: instance, variables: [:]) {
                        calls.append(
                            DhclientCallFacts(
                                evidence: [.path(path), .structure("\(unit.name) \(s.key)")], command: s.value,
                                interfaces: call))
                    }
                }
            } catch let e as ImageError {
                facts.network.problems.append("\(unit.name): \(e.detail)")
            }
        }
        var seen = Set<String>()
        for path in Self.rcLocal {
            do {
                guard let r = try tree.resolve(path), seen.insert(r.guestPath.description).inserted else { continue }
                // rc-local.service runs the file only when it is executable.
                guard r.attributes.permissions & 0o111 != 0 else { continue }
                guard let f = try tree.text(path) else { continue }
                for (n, line) in IfupdownReader.joinedLines(f.text).enumerated() where !line.hasPrefix("#") {
                    for call in DhclientCommand.calls(in: line, instance: nil, variables: [:]) {
                        calls.append(
                            DhclientCallFacts(
                                evidence: [.path(path), .structure("\(path) line \(n + 1)")], command: line,
                                interfaces: call))
                    }
                }
            } catch let e as ImageError {
                facts.network.problems.append(e.detail)
            }
        }
        facts.network.dhclientCalls = calls.sorted()
    }
}
