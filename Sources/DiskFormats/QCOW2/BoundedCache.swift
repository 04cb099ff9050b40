/// A small least-recently-used map with a fixed number of entries, for metadata tables
/// (qcow2 L2 pages, VHD BAT pages and sector bitmaps) and decoded clusters.
///
/// Not thread-safe on its own: devices keep it behind a `Mutex`.
struct BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var entries: [Key: (value: Value, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    mutating func get(_ key: Key) -> Value? {
        guard let hit = entries[key] else { return nil }
        clock += 1
        entries[key] = (hit.value, clock)
        return hit.value
    }

    mutating func put(_ key: Key, _ value: Value) {
        if entries[key] == nil, entries.count >= capacity,
            let victim = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
        {
            entries[victim] = nil
        }
        clock += 1
        entries[key] = (value, clock)
    }
}
