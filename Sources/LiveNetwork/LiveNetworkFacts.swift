/// What a live sample of the Accelerated Networking data path saw (`check / --live`): every
/// interface, and for each synthetic interface with a bonded VF how its counters grew.
public struct LiveNetworkFacts: Sendable, Codable, Equatable {
    /// The sysfs root read (`/sys`).
    public var sysfsRoot: String
    /// Where the counters came from (`CounterSource.name`).
    public var counterSource: String
    /// The time between the two readings, in milliseconds (0 when nothing was sampled).
    public var sampleMilliseconds: Int64
    /// Every interface below `<root>/class/net`, sorted by name.
    public var interfaces: [NetworkInterface]
    /// One entry per VF bonded to an `hv_netvsc` interface, sorted by the synthetic interface's name.
    public var paths: [VFPathSample]
    /// Why the interfaces could not be listed; nil when they were.
    public var unreadable: String?

    /// Creates a value from its fields.
    public init(
        sysfsRoot: String, counterSource: String, sampleMilliseconds: Int64 = 0, interfaces: [NetworkInterface] = [],
        paths: [VFPathSample] = [], unreadable: String? = nil
    ) {
        self.sysfsRoot = sysfsRoot
        self.counterSource = counterSource
        self.sampleMilliseconds = sampleMilliseconds
        self.interfaces = interfaces
        self.paths = paths
        self.unreadable = unreadable
    }
}

/// A synthetic interface, its VF and how many packets each path carried during the sample.
public struct VFPathSample: Sendable, Codable, Equatable {
    /// The `hv_netvsc` interface (`eth0`).
    public var synthetic: String
    /// The VF named by its `lower_*` entry (`enP30832s1`), with `IFF_SLAVE` set.
    public var vf: NetworkInterface
    /// Growth of `vf_rx_packets + vf_tx_packets` in the synthetic interface's ethtool statistics;
    /// nil when it has no such counters (a source without ethtool).
    public var vfPackets: UInt64?
    /// Growth of the VF's own `rx_packets + tx_packets` (its driver's counters: `mlx5_core`,
    /// `mana`); nil when it has none.
    public var vfOwnPackets: UInt64?
    /// Growth of what the synthetic path alone carried: the sum of `hv_netvsc`'s per-channel
    /// `rx_queue_<n>_packets`/`tx_queue_<n>_packets` when it has them, else its total
    /// `rx_packets + tx_packets` less the VF's growth; nil when no counter says.
    public var syntheticPackets: UInt64?
    /// Each counter used, as `<interface> <counter>: <before> -> <after>`, sorted.
    public var readings: [String]
    /// Why the counters could not be read, or a counter that went backwards (a VF re-attached).
    public var problem: String?

    /// Creates a value from its fields.
    public init(
        synthetic: String, vf: NetworkInterface, vfPackets: UInt64? = nil, vfOwnPackets: UInt64? = nil,
        syntheticPackets: UInt64? = nil, readings: [String] = [], problem: String? = nil
    ) {
        self.synthetic = synthetic
        self.vf = vf
        self.vfPackets = vfPackets
        self.vfOwnPackets = vfOwnPackets
        self.syntheticPackets = syntheticPackets
        self.readings = readings
        self.problem = problem
    }

    /// True when either VF counter grew.
    public var vfGrew: Bool { (vfPackets ?? 0) > 0 || (vfOwnPackets ?? 0) > 0 }
}
