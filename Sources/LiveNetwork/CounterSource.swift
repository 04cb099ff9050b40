/// Where the packet counters of an interface come from. The sampler asks twice, a sample apart;
/// tests inject a source whose counters they script.
public protocol CounterSource: Sendable {
    /// What the counters are, for evidence (`"ethtool statistics (SIOCETHTOOL)"`).
    var name: String { get }
    /// Named counters of `interface` (`vf_rx_packets`, `rx_queue_0_packets`, `rx_packets`); empty
    /// when the interface has none. Throws `ImageError` when they cannot be read.
    func counters(of interface: String) throws -> [String: UInt64]
}

/// The kernel's totals in `<root>/class/net/<interface>/statistics/`, with names prefixed
/// `statistics/` so they never collide with ethtool's (`statistics/rx_packets`).
public struct SysfsStatisticsSource: CounterSource {
    public let sysfs: SysfsNetwork
    public var name: String { "\(sysfs.classNet)/*/statistics" }

    /// Reads below `sysfs`.
    public init(_ sysfs: SysfsNetwork) { self.sysfs = sysfs }

    public func counters(of interface: String) throws -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for (k, v) in try sysfs.statistics(of: interface) { out["statistics/" + k] = v }
        return out
    }
}

/// Several sources merged (later names win); the default is ethtool plus sysfs statistics.
public struct CombinedCounterSource: CounterSource {
    public let sources: [any CounterSource]
    public var name: String { sources.map(\.name).joined(separator: " and ") }

    /// Merges `sources` in order.
    public init(_ sources: [any CounterSource]) { self.sources = sources }

    public func counters(of interface: String) throws -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for s in sources { out.merge(try s.counters(of: interface)) { _, new in new } }
        return out
    }
}
