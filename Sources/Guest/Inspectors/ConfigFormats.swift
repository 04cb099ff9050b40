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

    /// Parsed as bytes (`forEachTrimmedLine`): a unit file is read for a few keys, and a walk of
    /// Characters cost a millisecond over a check's units.
    init(_ text: String) {
        var section = ""
        var pending: [UInt8] = []
        var settings: [Setting] = []
        text.forEachTrimmedLine { trimmed in
            var line = trimmed
            if pending.isEmpty && (line.isEmpty || line.first == UInt8(ascii: "#") || line.first == UInt8(ascii: ";")) {
                return
            }
            if line.last == UInt8(ascii: "\\") {
                line.removeLast()
                pending += line
                pending.append(0x20)
                return
            }
            if !pending.isEmpty {
                line = ArraySlice(pending + line)
                pending = []
            }
            if line.first == UInt8(ascii: "["), line.last == UInt8(ascii: "]") {
                section = line.dropFirst().dropLast().string
            } else if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
                settings.append(
                    Setting(
                        section: section, key: line[..<eq].trimmingASCIIWhitespace().string,
                        value: line[(eq + 1)...].trimmingASCIIWhitespace().string))
            }
        }
        self.settings = settings
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
    ///
    /// Composed as YAML nodes and read key by key (never converted whole): aliases stay shared, so
    /// an alias bomb costs nothing unless the keys read lead into it.
    init(_ text: String) throws {
        guard let network = try Node.compose(text)?.value("network"), network.mapping != nil else {
            return
        }
        renderer = network.value("renderer")?.string
        for kind in ["ethernets", "bonds", "bridges", "vlans", "wifis", "modems", "tunnels", "vrfs"] {
            guard let map = network.value(kind)?.mapping else { continue }
            for (key, dev) in map.prefix(NetplanFile.maximumDevices) {
                guard let name = key.string else { continue }
                var d = Device(kind: kind, name: name)
                if let match = dev.value("match"), match.mapping != nil {
                    d.matchMAC = match.value("macaddress")?.string
                    if let list = match.value("driver")?.sequence {
                        d.matchDriver = list.prefix(64).compactMap { $0.string }.joined(separator: " ")
                    } else {
                        d.matchDriver = match.value("driver")?.string
                    }
                    d.matchName = match.value("name")?.string
                }
                devices.append(d)
            }
        }
        devices.sort { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    static let maximumDevices = 4096
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

extension Node {
    /// The value of a mapping's key (nil for other nodes or a missing key).
    func value(_ key: String) -> Node? { self[key] }

    /// The nodes of a YAML document (cloud-init's and netplan's files), never converted to Swift
    /// values: scalars are read as strings only, so with the basic resolver (Yams' default
    /// compiles seven regular expressions to guess tags, a millisecond of every check).
    static func compose(_ text: String) throws -> Node? { try Yams.compose(yaml: text, .basic) }
}
