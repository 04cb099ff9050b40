/// Everything about how the guest configures its network at boot.
public struct NetworkFacts: Sendable, Hashable, Codable {
    /// One entry per manager, in the order of `NetworkManagerFacts.Name.allCases`.
    public var managers: [NetworkManagerFacts]
    /// The systemd version (`252`), from the package or `libsystemd-shared-NNN.so`.
    public var systemdVersion: Int?
    /// The stable point release after the major version (`7` of systemd 257.7), nil when the source
    /// names none (a library file name, or a distribution version without one).
    public var systemdPointRelease: Int?
    /// The package or library the systemd version comes from.
    public var systemdVersionEvidence: [Evidence]
    /// ifupdown's interfaces files (`/etc/network/interfaces` and what it sources).
    public var ifupdown: IfupdownFacts
    /// netplan's YAML files and the renderer they select.
    public var netplan: NetplanFacts
    /// systemd-networkd `.network` files in the order networkd reads them (by file name; `/etc` wins a name).
    public var networkdFiles: [NetworkdFileFacts]
    /// `dhclient` run directly by an enabled unit, `rc.local` or an ifupdown hook.
    public var dhclientCalls: [DhclientCallFacts]
    /// Configurations matching an interface by MAC address alone (the VF shares that MAC).
    public var macOnlyMatches: [MACMatchFacts]
    /// Every interface configuration file read for MAC matches (netplan, networkd, NetworkManager, ifcfg).
    public var interfaceConfigFiles: [Evidence]
    /// Units found enabled (wants/requires links, SysV links) or masked.
    public var units: [UnitFacts]
    /// NetworkManager.conf and its snippets, merged.
    public var networkManagerConfig: NetworkManagerConfigFacts
    /// Files that could not be read or parsed, with the reason.
    public var problems: [String]

    /// An empty value, filled by the inspectors.
    public init() {
        managers = []
        systemdVersion = nil
        systemdPointRelease = nil
        networkManagerConfig = NetworkManagerConfigFacts()
        systemdVersionEvidence = []
        ifupdown = IfupdownFacts()
        netplan = NetplanFacts()
        networkdFiles = []
        dhclientCalls = []
        macOnlyMatches = []
        interfaceConfigFiles = []
        units = []
        problems = []
    }

    /// The managers that count for `network-managers`: active ones except netplan, which counts
    /// as its renderer (whose entry already includes netplan's interfaces).
    public var activeManagers: [NetworkManagerFacts] { managers.filter { $0.isActive && $0.name != .netplan } }

    /// The facts of one manager.
    public func manager(_ name: NetworkManagerFacts.Name) -> NetworkManagerFacts? { managers.first { $0.name == name } }
    /// The state of one unit (`networking.service`), nil when neither enabled nor masked.
    public func unit(_ name: String) -> UnitFacts? { units.first { $0.name == name } }
}

/// One network manager: installed, enabled, and what it configures.
public struct NetworkManagerFacts: Sendable, Hashable, Codable {
    /// The managers the `network-managers` requirement counts (netplan counts as its renderer).
    public enum Name: String, Sendable, Codable, CaseIterable {
        case ifupdown
        case systemdNetworkd = "systemd-networkd"
        case networkManager = "NetworkManager"
        case wicked
        case networkScripts = "network-scripts"
        case netplan
    }

    /// Which manager.
    public var name: Name
    /// A package of it is installed, or its program exists.
    public var installed: Bool
    /// The package or program that shows it is installed.
    public var installedEvidence: [Evidence]
    /// Enabled at boot: a wants/requires link or SysV start link (or, for netplan, a YAML file; for
    /// systemd-networkd, also netplan with the networkd renderer, which enables it at boot).
    public var enabled: Bool
    /// The links (or netplan files) that enable it.
    public var enabledEvidence: [Evidence]
    /// Its unit is masked (a link to `/dev/null`).
    public var masked: Bool
    /// The non-loopback interfaces it is configured for (`eth0`, `*` for "every interface" or a
    /// match by driver/MAC/wildcard); empty when it configures none.
    public var interfaces: [String]
    /// The configuration files that say so.
    public var configEvidence: [Evidence]
    /// Its version when known (systemd-networkd: systemd's).
    public var version: String?

    /// Creates a value from its fields.
    public init(name: Name) {
        self.name = name
        installed = false
        installedEvidence = []
        enabled = false
        enabledEvidence = []
        masked = false
        interfaces = []
        configEvidence = []
        version = nil
    }

    /// Enabled, not masked, installed, and configured for at least one non-loopback interface.
    public var isActive: Bool { installed && enabled && !masked && !interfaces.isEmpty }
}

/// A systemd unit's boot state.
public struct UnitFacts: Sendable, Hashable, Codable, Comparable {
    /// The name.
    public var name: String
    /// Enabled by a link in a `*.wants/` or `*.requires/` folder, or a SysV `rc?.d/S*` link.
    public var enabled: Bool
    /// `/etc/systemd/system/<name>` links to `/dev/null`.
    public var masked: Bool
    /// The links found.
    public var evidence: [Evidence]
    /// A problem reading its links (a symlink loop).
    public var problem: String?

    /// Creates a value from its fields.
    public init(
        name: String, enabled: Bool = false, masked: Bool = false, evidence: [Evidence] = [], problem: String? = nil
    ) {
        self.name = name
        self.enabled = enabled
        self.masked = masked
        self.evidence = evidence
        self.problem = problem
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: UnitFacts, b: UnitFacts) -> Bool { a.name < b.name }
}

/// ifupdown's configuration.
public struct IfupdownFacts: Sendable, Hashable, Codable {
    /// Interfaces named by `auto`, `allow-hotplug`/`allow-*` or `iface` stanzas, `lo` excluded.
    public var interfaces: [String]
    /// `/etc/network/interfaces` and every file it sources, in reading order.
    public var files: [Evidence]

    /// Creates a value from its fields.
    public init(interfaces: [String] = [], files: [Evidence] = []) {
        self.interfaces = interfaces
        self.files = files
    }
}

/// netplan's configuration.
public struct NetplanFacts: Sendable, Hashable, Codable {
    /// `/etc/netplan/*.yaml` (and `/lib/netplan`, `/usr/lib/netplan`) in the order netplan merges them.
    public var files: [Evidence]
    /// `networkd` or `NetworkManager` (netplan's default is `networkd`); nil without files.
    public var renderer: String?
    /// Interfaces defined under `ethernets`, `bonds`, `bridges`, `vlans`, `wifis`.
    public var interfaces: [String]

    /// Creates a value from its fields.
    public init(files: [Evidence] = [], renderer: String? = nil, interfaces: [String] = []) {
        self.files = files
        self.renderer = renderer
        self.interfaces = interfaces
    }
}

/// One systemd-networkd `.network` file.
public struct NetworkdFileFacts: Sendable, Hashable, Codable {
    /// The file name (`99-azure-unmanaged-devices.network`): networkd orders files by it.
    public var name: String
    /// The file.
    public var path: Evidence
    /// `[Match]` settings as `Key=value`, in file order (`Name=eth*`, `Driver=hv_netvsc`).
    public var match: [String]
    /// `[Link] Unmanaged=` is true.
    public var unmanaged: Bool

    /// Creates a value from its fields.
    public init(name: String, path: Evidence, match: [String], unmanaged: Bool) {
        self.name = name
        self.path = path
        self.match = match
        self.unmanaged = unmanaged
    }

    /// The values of one `[Match]` key (`Property`, `MACAddress`), split on spaces.
    public func matchValues(_ key: String) -> [String] {
        match.filter { $0.hasPrefix(key + "=") }.flatMap {
            $0.dropFirst(key.count + 1).split(separator: " ").map(String.init)
        }
    }
}

/// A `dhclient` started directly, outside a network manager.
public struct DhclientCallFacts: Sendable, Hashable, Codable, Comparable {
    /// The unit, `rc.local` or interfaces file, and the line.
    public var evidence: [Evidence]
    /// The command line as written.
    public var command: String
    /// The interfaces named; empty means every interface.
    public var interfaces: [String]

    /// Creates a value from its fields.
    public init(evidence: [Evidence], command: String, interfaces: [String]) {
        self.evidence = evidence
        self.command = command
        self.interfaces = interfaces
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: DhclientCallFacts, b: DhclientCallFacts) -> Bool {
        (a.evidence.first?.value ?? "", a.command) < (b.evidence.first?.value ?? "", b.command)
    }
}

/// A configuration matching an interface by MAC address without a driver or name.
public struct MACMatchFacts: Sendable, Hashable, Codable, Comparable {
    /// `netplan`, `systemd-networkd`, `NetworkManager`, `ifcfg`.
    public var kind: String
    /// The file.
    public var path: Evidence
    /// The MAC address matched.
    public var macAddress: String
    /// Where in the file (`ethernets.eth0`, `[Match]`, `[ethernet]`).
    public var location: String

    /// Creates a value from its fields.
    public init(kind: String, path: Evidence, macAddress: String, location: String) {
        self.kind = kind
        self.path = path
        self.macAddress = macAddress
        self.location = location
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: MACMatchFacts, b: MACMatchFacts) -> Bool { (a.path, a.location) < (b.path, b.location) }
}
