import Foundation

/// A synthetic `/sys` in a temporary folder: interfaces with `flags`, a `device/driver` link,
/// `lower_*` links and `statistics/` counters, laid out as the kernel does.
public final class SysfsTree: Sendable {
    /// The folder to give as the sysfs root.
    public let root: String

    /// An empty `class/net`.
    public init() throws {
        root = NSTemporaryDirectory() + "imagegate-sysfs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/class/net", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// `<root>/class/net/<name>`.
    public func dir(_ name: String) -> String { root + "/class/net/" + name }

    /// An interface; `driver` nil for a virtual one (no `device` folder).
    @discardableResult
    public func add(_ name: String, flags: String, driver: String? = nil, lowers: [String] = []) throws -> SysfsTree {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir(name) + "/statistics", withIntermediateDirectories: true)
        try (flags + "\n").write(toFile: dir(name) + "/flags", atomically: true, encoding: .utf8)
        if let driver {
            try fm.createDirectory(atPath: dir(name) + "/device", withIntermediateDirectories: true)
            try fm.createSymbolicLink(
                atPath: dir(name) + "/device/driver", withDestinationPath: "../../../../bus/vmbus/drivers/" + driver)
        }
        for l in lowers {
            try fm.createSymbolicLink(atPath: dir(name) + "/lower_" + l, withDestinationPath: "../" + l)
        }
        try setStatistics(name, rx: 0, tx: 0)
        return self
    }

    /// Writes `statistics/rx_packets` and `tx_packets`.
    public func setStatistics(_ name: String, rx: UInt64, tx: UInt64) throws {
        try "\(rx)\n".write(toFile: dir(name) + "/statistics/rx_packets", atomically: true, encoding: .utf8)
        try "\(tx)\n".write(toFile: dir(name) + "/statistics/tx_packets", atomically: true, encoding: .utf8)
    }

    /// An Azure NIC: `eth0` (hv_netvsc) with `enP1s1` (`vfDriver`) bonded below it.
    public static func azure(vfDriver: String = "mlx5_core", vfFlags: String = "0x1803") throws -> SysfsTree {
        let t = try SysfsTree()
        try t.add("lo", flags: "0x9")
        try t.add("eth0", flags: "0x1003", driver: "hv_netvsc", lowers: ["enP1s1"])
        try t.add("enP1s1", flags: vfFlags, driver: vfDriver)
        return t
    }
}
