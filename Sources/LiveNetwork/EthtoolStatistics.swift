import BlockIO
import CEthtool
import Glibc

/// The driver statistics `ethtool -S <interface>` prints, read with the SIOCETHTOOL ioctl of the
/// calling process's network namespace: `ETHTOOL_GSSET_INFO` for the count of `ETH_SS_STATS`
/// strings, `ETHTOOL_GSTRINGS` for their names, `ETHTOOL_GSTATS` for the values
/// (include/uapi/linux/ethtool.h). `hv_netvsc` lists `vf_rx_packets`, `vf_tx_packets` and per-channel
/// `rx_queue_<n>_packets`; veth lists `peer_ifindex`. An interface without driver statistics
/// (`lo`) gives an empty dictionary.
///
/// The ioctl structures are in host byte order; the kernel writes as many entries as *it* counts,
/// so each buffer has room for `slack` more than asked and the answer is checked against it.
public struct EthtoolStatistics: CounterSource {
    /// More statistics than any driver has (mlx5 has about 1 500 with many channels).
    public static let maximumStatistics = 65_536
    static let slack = 256
    static let stringLength = Int(ETH_GSTRING_LEN)

    public var name: String { "ethtool statistics (SIOCETHTOOL)" }

    /// Reads through the kernel; needs no privilege for `ETHTOOL_GSTATS`.
    public init() {}

    public func counters(of interface: String) throws -> [String: UInt64] {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket", interface) }
        defer { close(fd) }
        guard let count = try statisticsCount(fd, interface), count > 0 else { return [:] }
        let names = try strings(fd, interface, count: count)
        let values = try values(fd, interface, count: count)
        var out: [String: UInt64] = [:]
        for (n, v) in zip(names, values) where !n.isEmpty { out[n] = v }
        return out
    }

    /// The number of `ETH_SS_STATS` strings; nil when the driver has none (EOPNOTSUPP).
    func statisticsCount(_ fd: Int32, _ interface: String) throws -> Int? {
        // struct ethtool_sset_info: cmd u32 @0, reserved u32 @4, sset_mask u64 @8, data u32[] @16.
        var block = [UInt8](repeating: 0, count: 16 + 4)
        Self.store32(&block, 0, UInt32(ETHTOOL_GSSET_INFO))
        Self.store64(&block, 8, 1 << UInt64(ETH_SS_STATS.rawValue))
        guard try call(fd, interface, &block, "ETHTOOL_GSSET_INFO", absentOK: true) else { return nil }
        guard Self.load64(block, 8) & (1 << UInt64(ETH_SS_STATS.rawValue)) != 0 else { return nil }
        let count = Self.load32(block, 16)
        guard count <= Self.maximumStatistics else {
            throw ImageError(
                "ethtool", .limitExceeded, "\(interface) reports \(count) statistics (limit \(Self.maximumStatistics))")
        }
        return Int(count)
    }

    func strings(_ fd: Int32, _ interface: String, count: Int) throws -> [String] {
        // struct ethtool_gstrings: cmd u32 @0, string_set u32 @4, len u32 @8, data u8[len * 32] @12.
        var block = [UInt8](repeating: 0, count: 12 + (count + Self.slack) * Self.stringLength)
        Self.store32(&block, 0, UInt32(ETHTOOL_GSTRINGS))
        Self.store32(&block, 4, UInt32(ETH_SS_STATS.rawValue))
        Self.store32(&block, 8, UInt32(count))
        _ = try call(fd, interface, &block, "ETHTOOL_GSTRINGS", absentOK: false)
        try expectCount(Self.load32(block, 8), count, interface, "ETHTOOL_GSTRINGS")
        return (0..<count).map { i in
            let start = 12 + i * Self.stringLength
            let field = block[start..<(start + Self.stringLength)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    func values(_ fd: Int32, _ interface: String, count: Int) throws -> [UInt64] {
        // struct ethtool_stats: cmd u32 @0, n_stats u32 @4, data u64[n_stats] @8.
        var block = [UInt8](repeating: 0, count: 8 + (count + Self.slack) * 8)
        Self.store32(&block, 0, UInt32(ETHTOOL_GSTATS))
        Self.store32(&block, 4, UInt32(count))
        _ = try call(fd, interface, &block, "ETHTOOL_GSTATS", absentOK: false)
        try expectCount(Self.load32(block, 4), count, interface, "ETHTOOL_GSTATS")
        return (0..<count).map { Self.load64(block, 8 + $0 * 8) }
    }

    func expectCount(_ answered: UInt32, _ asked: Int, _ interface: String, _ command: String) throws {
        guard answered == UInt32(asked) else {
            throw ImageError(
                "ethtool", .corrupt,
                "\(interface): \(command) answered \(answered) entries, \(asked) were counted (the driver changed its statistics while they were read)"
            )
        }
    }

    /// False for EOPNOTSUPP when `absentOK` (the driver has no statistics); throws otherwise.
    func call(_ fd: Int32, _ interface: String, _ block: inout [UInt8], _ command: String, absentOK: Bool) throws
        -> Bool
    {
        let rc = block.withUnsafeMutableBytes { raw in
            // Safe: the kernel writes at most the entries it counts, and every block has room for
            // `slack` more than counted; a larger answer is refused by `expectCount` before use.
            imagegate_ethtool(fd, interface, raw.baseAddress)
        }
        if rc == 0 { return true }
        let e = errno
        if absentOK && (e == EOPNOTSUPP || e == EINVAL) { return false }
        throw Self.failure(command, interface, errno: e)
    }

    static func failure(_ what: String, _ interface: String, errno e: Int32 = errno) -> ImageError {
        ImageError("ethtool", .io(errno: e), "\(what) on \(interface): \(String(cString: strerror(e)))")
    }

    // Host byte order, as the ioctl structures are.
    static func store32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        withUnsafeBytes(of: v) { for (i, x) in $0.enumerated() { b[at + i] = x } }
    }

    static func store64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) {
        withUnsafeBytes(of: v) { for (i, x) in $0.enumerated() { b[at + i] = x } }
    }

    static func load32(_ b: [UInt8], _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        withUnsafeMutableBytes(of: &v) { for i in 0..<4 { $0[i] = b[at + i] } }
        return v
    }

    static func load64(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { for i in 0..<8 { $0[i] = b[at + i] } }
        return v
    }
}
