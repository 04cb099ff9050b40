import LiveNetwork

/// How `check --live` samples the running system's network (the `vf-traffic` requirement).
public struct LiveOptions: Sendable {
    /// The sysfs mount point to read interfaces from (`/sys`; tests give a synthetic tree).
    public var sysfsRoot: String
    /// The time between the two counter readings (`--sample`, default 5 s).
    public var sample: Duration
    /// Where counters come from; nil for the default (ethtool + sysfs statistics for `/sys`,
    /// sysfs statistics alone for any other root).
    public var counters: (any CounterSource)?
    /// How to wait `sample`; nil to sleep.
    public var wait: (@Sendable (Duration) -> Void)?

    /// The sysfs root of a running system.
    public static let defaultSysfsRoot = "/sys"

    /// Creates a value from its fields.
    public init(
        sysfsRoot: String = LiveOptions.defaultSysfsRoot, sample: Duration = .seconds(5),
        counters: (any CounterSource)? = nil, wait: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.sysfsRoot = sysfsRoot
        self.sample = sample
        self.counters = counters
        self.wait = wait
    }

    /// Finds the VF paths and samples them.
    func sampleNetwork() -> LiveNetworkFacts {
        VFTrafficSampler(
            sysfsRoot: sysfsRoot, counters: counters, duration: sample, wait: wait ?? VFTrafficSampler.sleep
        ).sample()
    }
}
