import BlockIO
import Yams

/// `[Section]` / `Key=value` files (systemd units and .network files, NetworkManager keyfiles).
struct IniFile {
    struct Setting {
        var section: String
        var key: String
        var value: String
    }
    var settings: [Setting] = []

    init(_ text: String) {
        var section = ""
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).trimmingASCIIWhitespace()
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";")) { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            line = pending + line
            pending = ""
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
            } else if let eq = line.firstIndex(of: "=") {
                settings.append(
                    Setting(
                        section: section, key: String(line[..<eq]).trimmingASCIIWhitespace(),
                        value: String(line[line.index(after: eq)...]).trimmingASCIIWhitespace()))
            }
        }
    }

    /// Values of `key` in `section`, in file order.
    func values(_ section: String, _ key: String) -> [String] {
        settings.filter { $0.section == section && $0.key == key }.map(\.value)
    }

    /// systemd's boolean spellings.
    static func isTrue(_ v: String?) -> Bool { ["1", "yes", "true", "on"].contains((v ?? "").lowercased()) }
}

/// One netplan YAML file's devices.
struct NetplanFile {
    struct Device {
        var kind: String
        var name: String
        var matchMAC: String?
        var matchDriver: String?
        var matchName: String?
    }
    var renderer: String?
    var devices: [Device] = []

    /// Parses a netplan document; throws when it is not valid YAML.
    init(_ text: String) throws {
        guard let doc = try Yams.load(yaml: text) as? [String: Any], let network = doc["network"] as? [String: Any] else {
            return
        }
        renderer = network["renderer"] as? String
        for kind in ["ethernets", "bonds", "bridges", "vlans", "wifis", "modems", "tunnels", "vrfs"] {
            guard let map = network[kind] as? [String: Any] else { continue }
            for name in map.keys.sorted() {
                var d = Device(kind: kind, name: name)
                if let dev = map[name] as? [String: Any], let match = dev["match"] as? [String: Any] {
                    d.matchMAC = match["macaddress"].map { "\($0)" }
                    if let drv = match["driver"] as? [Any] {
                        d.matchDriver = drv.map { "\($0)" }.joined(separator: " ")
                    } else {
                        d.matchDriver = match["driver"].map { "\($0)" }
                    }
                    d.matchName = match["name"].map { "\($0)" }
                }
                devices.append(d)
            }
        }
    }
}

extension GuestTree {
    /// Files of several configuration folders merged by file name, the first folder winning a
    /// name (systemd and netplan: `/etc` overrides `/usr/lib`), sorted by file name.
    func mergedFiles(_ directories: [String], pattern: String, maximum: Int = 1024) throws -> [String] {
        var byName: [String: String] = [:]
        for dir in directories {
            for path in try glob(dir, pattern).prefix(maximum) {
                let name = String(path.split(separator: "/").last ?? "")
                if byName[name] == nil { byName[name] = path }
            }
        }
        return byName.keys.sorted().compactMap { byName[$0] }
    }
}
