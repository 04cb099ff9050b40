import BlockIO

/// NetworkManager.conf and its conf.d snippets, merged as NetworkManager merges them, for
/// `nm-managed-override` (REQUIREMENTS.md): udev's `NM_UNMANAGED=1` is NetworkManager's weakest
/// reason to leave a device alone, so a `[device]` section with `managed=1` covering the VF wins.
public struct NetworkManagerConfigInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "networkmanager-conf"
    /// Folders read before the main file, lowest priority first.
    static let systemDirectories = ["/usr/lib/NetworkManager/conf.d", "/run/NetworkManager/conf.d"]
    /// The main file.
    static let mainFile = "/etc/NetworkManager/NetworkManager.conf"
    /// The folder read after the main file.
    static let userDirectory = "/etc/NetworkManager/conf.d"
    /// The most snippets read per folder.
    static let maximumFiles = 1024
    /// Drivers of the VFs Azure attaches (REQUIREMENTS.md `drivers`).
    static let vfDrivers = ["mana", "mlx4_core", "mlx5_core"]
    /// Names a VF gets on Azure (PCI path names on the hv_pci bus, or the kernel's ethN).
    static let vfNames = ["enP1s1", "enP30832p0s0", "eth1"]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest((Self.systemDirectories + [Self.userDirectory]).map { $0 + "/*.conf" } + [Self.mainFile])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads and merges NetworkManager's configuration files of `tree`.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var out = NetworkManagerConfigFacts()
        // The /etc folder shadows /run and /usr/lib by name; the shadowed names are not read.
        let user = try tree.mergedFiles([Self.userDirectory], pattern: "*.conf", maximum: Self.maximumFiles)
        let userNames = Set(user.map(Self.fileName))
        let system = try tree.mergedFiles(
            Array(Self.systemDirectories.reversed()), pattern: "*.conf", maximum: Self.maximumFiles
        ).filter { !userNames.contains(Self.fileName($0)) }
        var merged: [String: [String: (value: String, path: String)]] = [:]
        var sectionOrder: [String] = []
        for path in system + [Self.mainFile] + user {
            do {
                guard let f = try tree.text(path) else { continue }
                out.files.append(.path(path))
                for s in IniFile(f.text).settings {
                    if merged[s.section] == nil { sectionOrder.append(s.section) }
                    merged[s.section, default: [:]][s.key] = (s.value, path)
                }
            } catch let e as ImageError {
                out.problems.append(e.detail)
            }
        }
        for section in sectionOrder {
            guard let settings = merged[section], let managed = settings["managed"], Self.isTrue(managed.value) else {
                continue
            }
            let isDevice = section == "device" || section.hasPrefix("device-")
            guard isDevice || section == "main" || section == "keyfile" else { continue }
            let match = isDevice ? settings["match-device"]?.value : nil
            guard match.map(Self.coversVF) ?? true else { continue }
            out.managedOverrides.append(
                NetworkManagerManagedOverride(
                    path: .path(managed.path), section: section, setting: "managed=\(managed.value)", matchDevice: match
                ))
        }
        facts.network.networkManagerConfig = out
    }

    static func fileName(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    /// GKeyFile booleans as NetworkManager reads them.
    static func isTrue(_ value: String) -> Bool { ["1", "true", "yes", "on"].contains(value.lowercased()) }

    /// True when a `match-device` list (NetworkManager.conf(5) "Device List Format") selects some
    /// VF: for one VF (a driver and a name) a spec matches it and no `except:` spec does.
    static func coversVF(_ list: String) -> Bool {
        let specs = list.split(whereSeparator: { $0 == "," || $0 == ";" }).map { String($0).trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
        let excluded = specs.compactMap { $0.value(after: "except:") }
        let included = specs.filter { !$0.hasPrefix("except:") }
        for driver in vfDrivers {
            for name in vfNames {
                let vf = (driver: driver, name: name)
                if included.contains(where: { spec($0, matches: vf) })
                    && !excluded.contains(where: { spec($0, matches: vf) })
                {
                    return true
                }
            }
        }
        return false
    }

    static func spec(_ spec: String, matches vf: (driver: String, name: String)) -> Bool {
        if spec == "*" { return true }
        if let d = spec.value(after: "driver:") { return GuestInterest.glob(d, vf.driver) }
        if let n = spec.value(after: "interface-name:") {
            // `=` compares literally, `~` is a case-insensitive glob; plain is a glob.
            if n.hasPrefix("=") { return String(n.dropFirst()) == vf.name }
            if n.hasPrefix("~") { return GuestInterest.glob(String(n.dropFirst()).lowercased(), vf.name.lowercased()) }
            return GuestInterest.glob(n, vf.name)
        }
        if let t = spec.value(after: "type:") { return t == "ethernet" || t == "*" }
        return false
    }
}

extension String {
    /// The rest of the string after `prefix`, nil when it does not start with it.
    fileprivate func value(after prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
