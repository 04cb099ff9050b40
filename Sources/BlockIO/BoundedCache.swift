/// The one cache policy: a least-recently-used map bounded by both a number of entries and a
/// total cost (bytes, directory entries, extents: whatever the user measures its values in).
/// A value costing more than the whole budget is not kept at all, so one huge directory cannot
/// flush everything else. Lookups, insertions and evictions are O(1) (a doubly linked list over
/// slot indices).
///
/// Not thread-safe on its own: users keep it behind a `Mutex`. Inlinable, so the users in other
/// modules get it specialized for their key and value types (it sits on every metadata read).
public struct BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var key: Key?
        @usableFromInline var value: Value?
        @usableFromInline var cost: Int
        /// Neighbours in use order (slot indices, -1 at the ends).
        @usableFromInline var newer: Int
        @usableFromInline var older: Int

        @inlinable init(key: Key?, value: Value?, cost: Int, newer: Int, older: Int) {
            (self.key, self.value, self.cost, self.newer, self.older) = (key, value, cost, newer, older)
        }
    }

    /// The most entries kept.
    public let countLimit: Int
    /// The largest total cost kept.
    public let costLimit: Int
    @inlinable public var totalCost: Int { costSum }
    @inlinable public var count: Int { index.count }

    @usableFromInline var costSum = 0
    @usableFromInline var slots: [Slot] = []
    @usableFromInline var freeSlots: [Int] = []
    @usableFromInline var index: [Key: Int] = [:]
    @usableFromInline var newest = -1
    @usableFromInline var oldest = -1

    /// - Parameters: `countLimit` the most entries (at least 1); `costLimit` the largest total
    ///   cost (unbounded when not given: every entry then costs what `insert` says, 1 by default).
    @inlinable public init(countLimit: Int, costLimit: Int = .max) {
        self.countLimit = max(1, countLimit)
        self.costLimit = max(0, costLimit)
    }

    /// The value for `key`, which becomes the most recently used; nil when not kept.
    @inlinable public subscript(key: Key) -> Value? {
        mutating get {
            guard let i = index[key] else { return nil }
            touch(i)
            return slots[i].value
        }
    }

    /// True when a value is kept for `key`; its place in the use order stays as it was (a
    /// read-ahead asking what it may skip is not a use).
    @inlinable public func contains(_ key: Key) -> Bool { index[key] != nil }

    /// Forgets what is kept for `key`, if anything.
    @inlinable public mutating func removeValue(for key: Key) {
        if let i = index[key] { remove(i) }
    }

    /// Keeps `value` for `key` (replacing what was kept), evicting the least recently used
    /// entries until both limits hold; a value with `cost` above `costLimit` (or negative) is not kept.
    @inlinable public mutating func insert(_ value: Value, for key: Key, cost: Int = 1) {
        if let i = index[key] { remove(i) }
        guard cost >= 0, cost <= costLimit else { return }
        while oldest >= 0, index.count >= countLimit || costSum > costLimit - cost { remove(oldest) }
        let slot = Slot(key: key, value: value, cost: cost, newer: -1, older: newest)
        let i: Int
        if let reused = freeSlots.popLast() {
            i = reused
            slots[i] = slot
        } else {
            i = slots.count
            slots.append(slot)
        }
        if newest >= 0 { slots[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
        index[key] = i
        costSum += cost
    }

    /// Forgets every entry.
    @inlinable public mutating func removeAll() {
        slots.removeAll()
        freeSlots.removeAll()
        index.removeAll()
        newest = -1
        oldest = -1
        costSum = 0
    }

    @inlinable mutating func unlink(_ i: Int) {
        let (newer, older) = (slots[i].newer, slots[i].older)
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
    }

    @inlinable mutating func touch(_ i: Int) {
        guard i != newest else { return }
        unlink(i)
        slots[i].older = newest
        slots[i].newer = -1
        if newest >= 0 { slots[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
    }

    @inlinable mutating func remove(_ i: Int) {
        unlink(i)
        if let key = slots[i].key { index[key] = nil }
        costSum -= slots[i].cost
        slots[i] = Slot(key: nil, value: nil, cost: 0, newer: -1, older: -1)
        freeSlots.append(i)
    }
}
