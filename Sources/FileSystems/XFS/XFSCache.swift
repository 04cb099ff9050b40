import Synchronization

/// A small least-recently-used cache bounded by a total cost (entries, extents), shared safely
/// between threads. Parsed structures (extent maps, directories) are kept here so repeated
/// lookups do not re-read or re-parse them.
final class XFSCache<Value: Sendable>: Sendable {
    private struct Slot {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }
    private struct State {
        var slots: [UInt64: Slot] = [:]
        var totalCost = 0
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())
    let capacity: Int
    let maximumCount: Int

    /// - Parameters: `capacity` the largest total cost kept (one value above it is not kept at
    ///   all); `maximumCount` the most values kept, which also bounds the eviction scan.
    init(capacity: Int, maximumCount: Int = 1024) {
        self.capacity = capacity
        self.maximumCount = maximumCount
    }

    func value(for key: UInt64) -> Value? {
        state.withLock { s in
            guard var slot = s.slots[key] else { return nil }
            s.clock += 1
            slot.lastUse = s.clock
            s.slots[key] = slot
            return slot.value
        }
    }

    func insert(_ value: Value, for key: UInt64, cost: Int) {
        guard cost <= capacity else { return }
        state.withLock { s in
            if let old = s.slots.removeValue(forKey: key) { s.totalCost -= old.cost }
            while s.totalCost + cost > capacity || s.slots.count >= maximumCount,
                let victim = s.slots.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                s.totalCost -= victim.value.cost
                s.slots[victim.key] = nil
            }
            s.clock += 1
            s.slots[key] = Slot(value: value, cost: cost, lastUse: s.clock)
            s.totalCost += cost
        }
    }
}
