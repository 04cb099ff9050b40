import BlockIO
import FileSystems

/// The network managers: installed (package or program), enabled (units and SysV links from
/// `SystemdUnitsInspector`), masked, and the interfaces each is configured for; ifupdown's
/// interfaces files, netplan's YAML, systemd-networkd's `.network` files and systemd's version.
public struct NetworkManagersInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "network-managers"
    /// systemd-networkd folders, highest priority first (`/run` is never in an image).
    public static let networkdDirectories = [
        "/etc/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network",
    ]
    /// netplan folders, highest priority first.
    public static let netplanDirectories = ["/etc/netplan", "/usr/lib/netplan", "/lib/netplan"]
    static let systemdLibraryDirectories = [
        "/usr/lib/systemd", "/lib/systemd", "/usr/lib64/systemd", "/usr/lib/x86_64-linux-gnu/systemd",
        "/usr/lib/aarch64-linux-gnu/systemd",
    ]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            [
                // ifupdown's `source`/`source-directory` may name other folders: /etc/network is the usual home.
                "/etc/network/**", "/etc/netplan/*.yaml", "/usr/lib/netplan/*.yaml",
                "/lib/netplan/*.yaml", "/etc/systemd/network/*.network", "/usr/lib/systemd/network/*.network",
                "/lib/systemd/network/*.network", "/etc/sysconfig/network/ifcfg-*",
                "/etc/sysconfig/network-scripts/ifcfg-*",
                "/etc/sysconfig/network-scripts/ifup-eth", "/etc/NetworkManager/NetworkManager.conf",
                "/usr/sbin/NetworkManager", "/usr/sbin/wicked", "/usr/sbin/netplan", "/sbin/ifup", "/usr/sbin/ifup",
                "/lib/systemd/systemd-networkd", "/usr/lib/systemd/systemd-networkd",
            ] + Self.systemdLibraryDirectories.map { $0 + "/libsystemd-shared-*.so" })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var net = facts.network
        try readSystemdVersion(tree, facts: facts, into: &net)
        var ifupdown = IfupdownReader()
        ifupdown.read(tree)
        net.ifupdown = IfupdownFacts(interfaces: ifupdown.interfaces, files: ifupdown.files.map(Evidence.path))
        net.dhclientCalls += ifupdown.dhclientCalls
        net.problems += ifupdown.problems
        net.netplan = readNetplan(tree, problems: &net.problems)
        net.networkdFiles = try readNetworkdFiles(tree, problems: &net.problems)

        var managers: [NetworkManagerFacts] = []
        for n in NetworkManagerFacts.Name.allCases {
            var m = NetworkManagerFacts(name: n)
            try fill(&m, tree, facts: facts, net: net)
            m.installedEvidence.sort()
            m.enabledEvidence.sort()
            m.configEvidence.sort()
            managers.append(m)
        }
        net.managers = managers
        facts.network = net
    }

    func fill(_ m: inout NetworkManagerFacts, _ tree: GuestTree, facts: GuestFacts, net: NetworkFacts) throws {
        let spec: (packages: [String], programs: [String], units: [String], sysv: [String])
        switch m.name {
        case .ifupdown:
            spec = (
                ["ifupdown", "ifupdown2", "ifupdown-ng"], ["/sbin/ifup", "/usr/sbin/ifup"], ["networking.service"], []
            )
        case .systemdNetworkd:
            spec = (
                ["systemd-networkd"], ["/usr/lib/systemd/systemd-networkd", "/lib/systemd/systemd-networkd"],
                ["systemd-networkd.service", "dbus-org.freedesktop.network1.service"], []
            )
        case .networkManager:
            spec = (
                ["network-manager", "NetworkManager"], ["/usr/sbin/NetworkManager"],
                ["NetworkManager.service", "dbus-org.freedesktop.NetworkManager.service"], []
            )
        case .wicked:
            spec = (["wicked"], ["/usr/sbin/wicked"], ["wicked.service", "wickedd.service"], [])
        case .networkScripts:
            spec = (
                ["network-scripts"], ["/etc/sysconfig/network-scripts/ifup-eth", "/etc/rc.d/init.d/network"],
                ["network.service"], []
            )
        case .netplan:
            spec = (["netplan.io", "netplan"], ["/usr/sbin/netplan"], [], [])
        }
        for p in spec.packages {
            if let pkg = facts.package(named: p) {
                m.installed = true
                m.installedEvidence.append(.structure("package \(pkg.name) \(pkg.fullVersion)"))
            }
        }
        var seenPrograms = Set<String>()
        for prog in spec.programs {
            guard let c = try tree.canonical(prog), seenPrograms.insert(c).inserted else { continue }
            m.installed = true
            m.installedEvidence.append(.path(prog))
        }
        for u in spec.units {
            guard let state = net.unit(u) else { continue }
            if state.masked {
                m.masked = true
                m.enabledEvidence += state.evidence
            } else if state.enabled {
                m.enabled = true
                m.enabledEvidence += state.evidence
            }
        }
        // On SUSE `network.service` is an alias link to wicked.service, not network-scripts; an
        // absent link is the common case (`try?`: absence is the meaning).
        if m.name == .networkScripts || m.name == .wicked,
            let alias = try? tree.destination(ofSymbolicLink: "/etc/systemd/system/network.service"),
            alias.hasSuffix("/wicked.service")
        {
            if m.name == .wicked {
                m.enabled = true
                m.enabledEvidence.append(.path("/etc/systemd/system/network.service"))
            } else {
                m.enabled = false
                m.enabledEvidence = []
            }
        }
        switch m.name {
        case .ifupdown:
            m.interfaces = net.ifupdown.interfaces
            m.configEvidence = net.ifupdown.files
        case .systemdNetworkd:
            if let v = net.systemdVersion { m.version = String(v) }
            for f in net.networkdFiles where !f.unmanaged {
                let names = Self.azureInterfaceNames(f)
                guard !names.isEmpty else { continue }
                m.interfaces += names
                m.configEvidence.append(f.path)
            }
            if net.netplan.renderer == "networkd", !net.netplan.files.isEmpty {
                // netplan's generator writes networkd files and enables networkd at boot.
                m.enabled = true
                m.enabledEvidence += net.netplan.files
                m.interfaces += net.netplan.interfaces.filter { $0 != "lo" }
                m.configEvidence += net.netplan.files
            }
        case .networkManager:
            if m.installed {
                // NetworkManager manages every device it is not told to leave alone.
                m.interfaces = ["*"]
                if try tree.resolve("/etc/NetworkManager/NetworkManager.conf") != nil {
                    m.configEvidence.append(.path("/etc/NetworkManager/NetworkManager.conf"))
                }
            }
            if net.netplan.renderer == "NetworkManager", !net.netplan.files.isEmpty {
                m.configEvidence += net.netplan.files
            }
        case .wicked:
            let files = try tree.glob("/etc/sysconfig/network", "ifcfg-*").filter { !$0.hasSuffix("ifcfg-lo") }
            m.interfaces = files.map { String($0.split(separator: "/").last?.dropFirst("ifcfg-".count) ?? "") }
            m.configEvidence = files.map(Evidence.path)
        case .networkScripts:
            let files = try tree.glob("/etc/sysconfig/network-scripts", "ifcfg-*").filter { !$0.hasSuffix("ifcfg-lo") }
            m.interfaces = files.map { String($0.split(separator: "/").last?.dropFirst("ifcfg-".count) ?? "") }
            m.configEvidence = files.map(Evidence.path)
        case .netplan:
            m.enabled = !net.netplan.files.isEmpty
            m.enabledEvidence = net.netplan.files
            m.interfaces = net.netplan.interfaces.filter { $0 != "lo" }
            m.configEvidence = net.netplan.files
            m.version = net.netplan.renderer
        }
        m.interfaces = Array(Set(m.interfaces)).sorted()
    }

    /// The interfaces of an Azure VM (an `hv_netvsc` Ethernet NIC, and its VF) a `.network` file
    /// could configure, as its `Name=` patterns (`*` when it has none); empty when its `[Match]`
    /// rules them out: only `lo`, a virtual `Kind=`, a non-Ethernet `Type=`, Wi-Fi keys, a
    /// container `Virtualization=`, or `Driver=`s that are not Azure NIC drivers.
    static func azureInterfaceNames(_ f: NetworkdFileFacts) -> [String] {
        let azureDrivers = ["hv_netvsc", "mana", "mlx4_core", "mlx5_core", "mlx4_en", "mlx5_en"]
        func values(_ k: String) -> [String] { f.matchValues(k) }
        if !values("Kind").isEmpty || !values("WLANInterfaceType").isEmpty || !values("SSID").isEmpty
            || !values("BSSID").isEmpty
        {
            return []
        }
        if let types = Optional(values("Type")), !types.isEmpty,
            !types.contains(where: { $0 == "ether" || $0 == "!wlan" })
        {
            return []
        }
        if let v = values("Virtualization").last,
            ["container", "docker", "lxc", "systemd-nspawn", "no", "false", "0"].contains(v)
        {
            return []
        }
        let drivers = values("Driver")
        if !drivers.isEmpty, !drivers.contains(where: { d in azureDrivers.contains { GuestInterest.glob(d, $0) } }) {
            return []
        }
        let names = values("Name")
        if names.isEmpty { return ["*"] }
        let candidates = ["eth0", "eth1", "enP1s1", "enx000d3a123456", "ens5"]
        let useful = names.filter { n in
            n != "lo" && (n.hasPrefix("!") || candidates.contains { GuestInterest.glob(n, $0) })
        }
        return useful
    }

    func readSystemdVersion(_ tree: GuestTree, facts: GuestFacts, into net: inout NetworkFacts) throws {
        if let p = facts.package(named: "systemd"), let v = Int(p.upstreamVersion.prefix(while: { $0.isNumber })) {
            net.systemdVersion = v
            // "257.7" is stable release 7 of 257; RHEL's "252" has none (its backports are in the release).
            let rest = p.upstreamVersion.drop(while: { $0.isNumber })
            if rest.hasPrefix(".") {
                net.systemdPointRelease = Int(rest.dropFirst().prefix(while: { $0.isNumber }).prefix(9))
            }
            net.systemdVersionEvidence = p.evidence + [.structure("package systemd \(p.fullVersion)")]
            return
        }
        for dir in Self.systemdLibraryDirectories {
            for path in try tree.glob(dir, "libsystemd-shared-*.so") {
                let name = path.split(separator: "/").last ?? ""
                let digits = name.dropFirst("libsystemd-shared-".count).prefix(while: { $0.isNumber })
                if let v = Int(digits) {
                    net.systemdVersion = v
                    net.systemdVersionEvidence = [.path(path)]
                    return
                }
            }
        }
    }

    func readNetplan(_ tree: GuestTree, problems: inout [String]) -> NetplanFacts {
        var facts = NetplanFacts()
        let files = (try? tree.mergedFiles(Self.netplanDirectories, pattern: "*.yaml")) ?? []
        var renderer: String?
        var interfaces: [String] = []
        for path in files {
            do {
                guard let f = try tree.text(path) else { continue }
                facts.files.append(.path(path))
                let n = try NetplanFile(f.text)
                if let r = n.renderer { renderer = r }
                interfaces += n.devices.map(\.name)
            } catch let e as ImageError {
                problems.append(e.detail)
            } catch {
                problems.append("\(path): not valid YAML")
            }
        }
        if !facts.files.isEmpty { facts.renderer = renderer ?? "networkd" }
        facts.interfaces = Array(Set(interfaces)).sorted()
        return facts
    }

    func readNetworkdFiles(_ tree: GuestTree, problems: inout [String]) throws -> [NetworkdFileFacts] {
        var out: [NetworkdFileFacts] = []
        for path in try tree.mergedFiles(Self.networkdDirectories, pattern: "*.network") {
            do {
                guard let f = try tree.text(path) else { continue }
                let ini = IniFile(f.text)
                let match = ini.settings.filter { $0.section == "Match" }.map { "\($0.key)=\($0.value)" }
                let unmanaged = IniFile.isTrue(ini.values("Link", "Unmanaged").last)
                let name = String(path.split(separator: "/").last ?? "")
                out.append(NetworkdFileFacts(name: name, path: .path(path), match: match, unmanaged: unmanaged))
            } catch let e as ImageError {
                problems.append(e.detail)
            }
        }
        return out
    }
}
