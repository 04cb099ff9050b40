/// One network interface of a running system as `/sys/class/net/<name>` describes it.
public struct NetworkInterface: Sendable, Hashable, Codable, Comparable {
    /// `IFF_SLAVE` (include/uapi/linux/if.h): the interface is enslaved to an upper device; the
    /// kernel sets it on a VF that `hv_netvsc` has bonded to its synthetic interface.
    public static let slaveFlag: UInt32 = 0x800
    /// The driver `hv_netvsc` binds the synthetic NIC with.
    public static let syntheticDriver = "hv_netvsc"

    /// `eth0`, `enP30832s1`.
    public var name: String
    /// The last component of the `device/driver` link (`hv_netvsc`, `mlx5_core`, `mana`); nil for
    /// a virtual interface without a device (`lo`, `veth0`, a bond).
    public var driver: String?
    /// The `flags` file, parsed (`0x1003`); nil when it could not be read.
    public var flags: UInt32?
    /// The interfaces named by `lower_<name>` entries: the devices enslaved to this one.
    public var lowers: [String]
    /// `/sys/class/net/<name>/type` is not read: veth, bonds and VFs are all Ethernet (1).
    public init(name: String, driver: String? = nil, flags: UInt32? = nil, lowers: [String] = []) {
        self.name = name
        self.driver = driver
        self.flags = flags
        self.lowers = lowers
    }

    /// True when `flags` has `IFF_SLAVE` set.
    public var isSlave: Bool { (flags ?? 0) & Self.slaveFlag != 0 }

    /// `eth0 (hv_netvsc)`, `lo (no device)`.
    public var label: String { "\(name) (\(driver ?? "no device"))" }

    /// A stable order for sorted, deterministic output.
    public static func < (a: NetworkInterface, b: NetworkInterface) -> Bool { a.name < b.name }
}
