import LiveNetwork
import Synchronization

/// Counters that answer the first reading with `before` and every later one with `after`, per
/// interface: what a test wants the sample to see.
final class ScriptedCounters: CounterSource {
    let before: [String: [String: UInt64]]
    let after: [String: [String: UInt64]]
    let reads = Mutex([String: Int]())
    var name: String { "scripted" }

    init(before: [String: [String: UInt64]], after: [String: [String: UInt64]]) {
        self.before = before
        self.after = after
    }

    func counters(of interface: String) throws -> [String: UInt64] {
        let n = reads.withLock { r -> Int in
            r[interface, default: 0] += 1
            return r[interface, default: 0]
        }
        return (n == 1 ? before : after)[interface] ?? [:]
    }

    /// hv_netvsc-style ethtool counters of `eth0`.
    static func netvsc(vfRx: UInt64, vfTx: UInt64, queueRx: UInt64, queueTx: UInt64) -> [String: UInt64] {
        ["vf_rx_packets": vfRx, "vf_tx_packets": vfTx, "rx_queue_0_packets": queueRx, "tx_queue_0_packets": queueTx]
    }
}
