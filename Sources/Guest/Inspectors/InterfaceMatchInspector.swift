import BlockIO

/// Interface configurations that match by MAC address alone: the VF shares the synthetic NIC's
/// MAC, so such a match may bind to the VF (REQUIREMENTS.md `synthetic-binding`). netplan
/// `match: macaddress` without `driver: hv_netvsc`, networkd `[Match] MACAddress=` without
/// `Driver=`, NetworkManager keyfiles with `mac-address=` and no `interface-name=`, ifcfg `HWADDR=`
/// without `DEVICE=`.
public struct InterfaceMatchInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "interface-matches"
    /// NetworkManager keyfile folders.
    public static let networkManagerDirectories = [
        "/etc/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections",
    ]
    /// ifcfg folders (network-scripts, wicked).
    public static let ifcfgDirectories = ["/etc/sysconfig/network-scripts", "/etc/sysconfig/network"]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(Self.networkManagerDirectories.map { $0 + "/*" } + Self.ifcfgDirectories.map { $0 + "/ifcfg-*" })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var matches: [MACMatchFacts] = []
        var read: [Evidence] = []
        var problems: [String] = []
        func each(_ paths: [String], _ body: (String, String) throws -> Void) {
            for path in paths {
                do {
                    guard let f = try tree.text(path) else { continue }
                    read.append(.path(path))
                    try body(path, f.text)
                } catch let e as ImageError {
                    problems.append(e.detail)
                } catch {
                    problems.append("\(path): not valid YAML")
                }
            }
        }
        each(facts.network.netplan.files.map(\.value)) { path, text in
            for d in try NetplanFile(text).devices {
                guard let mac = d.matchMAC else { continue }
                if d.matchDriver?.contains("hv_netvsc") != true {
                    matches.append(
                        MACMatchFacts(
                            kind: "netplan", path: .path(path), macAddress: mac, location: "\(d.kind).\(d.name)"))
                }
            }
        }
        each(facts.network.networkdFiles.map(\.path.value)) { path, text in
            let ini = IniFile(text)
            let macs = ini.values("Match", "MACAddress") + ini.values("Match", "PermanentMACAddress")
            if let mac = macs.first, ini.values("Match", "Driver").isEmpty {
                matches.append(
                    MACMatchFacts(kind: "systemd-networkd", path: .path(path), macAddress: mac, location: "[Match]"))
            }
        }
        var nmFiles: [String] = []
        for dir in Self.networkManagerDirectories { nmFiles += try tree.glob(dir, "*") }
        each(nmFiles) { path, text in
            let ini = IniFile(text)
            if let mac = ini.values("ethernet", "mac-address").first
                ?? ini.values("802-3-ethernet", "mac-address").first,
                ini.values("connection", "interface-name").isEmpty
            {
                matches.append(
                    MACMatchFacts(kind: "NetworkManager", path: .path(path), macAddress: mac, location: "[ethernet]"))
            }
        }
        var ifcfg: [String] = []
        for dir in Self.ifcfgDirectories { ifcfg += try tree.glob(dir, "ifcfg-*").filter { !$0.hasSuffix("ifcfg-lo") } }
        each(ifcfg) { path, text in
            var values: [String: String] = [:]
            for line in text.activeLines {
                guard let eq = line.firstIndex(of: "=") else { continue }
                values[String(line[..<eq])] = String(line[line.index(after: eq)...]).trimmingCharacters(in: "\"'")
            }
            if let mac = values["HWADDR"], !mac.isEmpty, (values["DEVICE"] ?? "").isEmpty {
                matches.append(MACMatchFacts(kind: "ifcfg", path: .path(path), macAddress: mac, location: "HWADDR"))
            }
        }
        facts.network.macOnlyMatches = matches.sorted()
        facts.network.interfaceConfigFiles = Array(Set(read)).sorted()
        facts.network.problems = Array(Set(facts.network.problems + problems)).sorted()
    }
}
