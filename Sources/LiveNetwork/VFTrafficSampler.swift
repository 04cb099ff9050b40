import Glibc

/// Samples the Accelerated Networking data path of the running system: finds each `hv_netvsc`
/// interface with a VF bonded to it (a `lower_<vf>` entry whose `flags` have `IFF_SLAVE`), reads
/// the counters of both, waits `duration`, reads them again (REQUIREMENTS.md `vf-traffic`).
///
/// Nothing is sampled (and nothing waited for) when no VF is bonded.
public struct VFTrafficSampler: Sendable {
    /// The sysfs tree.
    public var sysfs: SysfsNetwork
    /// Where counters come from.
    public var counters: any CounterSource
    /// The time between the two readings.
    public var duration: Duration
    /// How to wait `duration` (tests change counters here instead of sleeping).
    public var wait: @Sendable (Duration) -> Void

    /// A sampler for `sysfsRoot`. The default counters are the ethtool statistics plus
    /// `statistics/` of sysfs for `/sys`, and sysfs alone for any other root (the ioctl asks the
    /// kernel, which knows nothing of a tree elsewhere).
    public init(
        sysfsRoot: String = "/sys", counters: (any CounterSource)? = nil, duration: Duration = .seconds(5),
        wait: @escaping @Sendable (Duration) -> Void = VFTrafficSampler.sleep
    ) {
        let sysfs = SysfsNetwork(root: sysfsRoot)
        self.sysfs = sysfs
        self.counters =
            counters
            ?? (sysfs.root == "/sys"
                ? CombinedCounterSource([SysfsStatisticsSource(sysfs), EthtoolStatistics()])
                : SysfsStatisticsSource(sysfs))
        self.duration = duration
        self.wait = wait
    }

    /// Sleeps, resuming after signals.
    public static func sleep(_ d: Duration) {
        let (seconds, attoseconds) = d.components
        var request = timespec(tv_sec: Int(clamping: seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// Finds the pairs and samples them. Never throws: what could not be read is in the facts.
    public func sample() -> LiveNetworkFacts {
        var facts = LiveNetworkFacts(sysfsRoot: sysfs.root, counterSource: counters.name)
        do {
            facts.interfaces = try sysfs.interfaces()
        } catch {
            facts.unreadable = "\(error)"
            return facts
        }
        let byName = Dictionary(facts.interfaces.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs: [(synthetic: String, vf: NetworkInterface)] = facts.interfaces.flatMap { i in
            i.driver == NetworkInterface.syntheticDriver
                ? i.lowers.compactMap { byName[$0] }.filter(\.isSlave).map { (i.name, $0) } : []
        }
        guard !pairs.isEmpty else { return facts }
        let first = pairs.map { read($0.synthetic, $0.vf.name) }
        let start = ContinuousClock.now
        wait(duration)
        let elapsed = ContinuousClock.now - start
        let second = pairs.map { read($0.synthetic, $0.vf.name) }
        let (s, a) = elapsed.components
        facts.sampleMilliseconds = s.multipliedReportingOverflow(by: 1000).partialValue + a / 1_000_000_000_000_000
        facts.paths = pairs.indices.map { i in
            Self.compare(pairs[i].synthetic, pairs[i].vf, first[i], second[i])
        }
        return facts
    }

    typealias Reading = Result<(synthetic: [String: UInt64], vf: [String: UInt64]), any Error>

    func read(_ synthetic: String, _ vf: String) -> Reading {
        Result { (try counters.counters(of: synthetic), try counters.counters(of: vf)) }
    }

    static let vfCounters = ["vf_rx_packets", "vf_tx_packets"]
    static let totals = ["statistics/rx_packets", "statistics/tx_packets"]

    /// `rx_queue_3_packets`, `tx_queue_0_packets`: `hv_netvsc`'s per-channel (synthetic) counters.
    static func isChannelCounter(_ name: String) -> Bool {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count == 4 && (parts[0] == "rx" || parts[0] == "tx") && parts[1] == "queue"
            && !parts[2].isEmpty && parts[2].allSatisfy(\.isASCII) && parts[2].allSatisfy(\.isNumber)
            && parts[3] == "packets"
    }

    static func compare(_ synthetic: String, _ vf: NetworkInterface, _ first: Reading, _ second: Reading)
        -> VFPathSample
    {
        var out = VFPathSample(synthetic: synthetic, vf: vf)
        let a: (synthetic: [String: UInt64], vf: [String: UInt64])
        let b: (synthetic: [String: UInt64], vf: [String: UInt64])
        switch (first, second) {
        case (.success(let x), .success(let y)):
            a = x
            b = y
        case (.failure(let e), _), (_, .failure(let e)):
            out.problem = "cannot read the counters of \(synthetic) or \(vf.name): \(e)"
            return out
        }
        var readings: [String] = []
        var backwards: [String] = []
        /// Growth of the sum of `names` on one interface; nil unless every name is in both readings.
        func growth(_ iface: String, _ before: [String: UInt64], _ after: [String: UInt64], _ names: [String])
            -> UInt64?
        {
            guard !names.isEmpty, names.allSatisfy({ before[$0] != nil && after[$0] != nil }) else { return nil }
            var total: UInt64 = 0
            for n in names {
                let x = before[n] ?? 0
                let y = after[n] ?? 0
                readings.append("\(iface) \(n): \(x) -> \(y)")
                // A counter that went backwards was reset (the VF re-attached): count from zero.
                let d = y >= x ? y - x : y
                if y < x { backwards.append("\(iface) \(n)") }
                total = total.addingReportingOverflow(d).overflow ? UInt64.max : total + d
            }
            return total
        }
        out.vfPackets = growth(synthetic, a.synthetic, b.synthetic, vfCounters)
        out.vfOwnPackets = growth(vf.name, a.vf, b.vf, totals)
        let channels = a.synthetic.keys.filter(isChannelCounter).sorted()
        if let c = growth(synthetic, a.synthetic, b.synthetic, channels) {
            out.syntheticPackets = c
        } else if let t = growth(synthetic, a.synthetic, b.synthetic, totals) {
            // hv_netvsc's totals include what the VF carried (netvsc_get_stats64 adds the VF's).
            let v = out.vfPackets ?? out.vfOwnPackets ?? 0
            out.syntheticPackets = t > v ? t - v : 0
        }
        out.readings = readings.sorted()
        if !backwards.isEmpty { out.problem = "counter went backwards (reset): " + backwards.joined(separator: ", ") }
        return out
    }
}
