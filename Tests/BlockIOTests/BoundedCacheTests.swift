import BlockIO
import Testing

@Suite struct BoundedCacheTests {
    @Test func evictsTheLeastRecentlyUsedEntry() {
        var c = BoundedCache<Int, String>(countLimit: 2)
        c.insert("a", for: 1)
        c.insert("b", for: 2)
        #expect(c[1] == "a")  // 2 is now the least recently used
        c.insert("c", for: 3)
        #expect(c[2] == nil)
        #expect(c[1] == "a")
        #expect(c[3] == "c")
        #expect(c.count == 2)
    }

    @Test func boundsTheTotalCostAndKeepsNothingAboveIt() {
        var c = BoundedCache<Int, [UInt8]>(countLimit: 100, costLimit: 10)
        c.insert([1], for: 1, cost: 4)
        c.insert([2], for: 2, cost: 4)
        c.insert([3], for: 3, cost: 4)  // 12 > 10: the oldest goes
        #expect(c[1] == nil)
        #expect(c.totalCost == 8)
        c.insert([9], for: 9, cost: 11)  // above the whole budget: not kept, nothing evicted
        #expect(c[9] == nil)
        #expect(c[2] == [2] && c[3] == [3])
        c.insert([4], for: 2, cost: 1)  // replacing frees the old cost
        #expect(c.totalCost == 5)
        #expect(c[2] == [4])
        c.insert([5], for: 5, cost: -1)
        #expect(c[5] == nil)
    }

    @Test func reusesSlotsAcrossManyEvictions() {
        var c = BoundedCache<Int, Int>(countLimit: 3)
        for i in 0..<1000 { c.insert(i, for: i) }
        #expect(c.count == 3)
        #expect([997, 998, 999].map { c[$0] } == [997, 998, 999])
        #expect(c[996] == nil)
        c.removeAll()
        #expect(c.count == 0 && c[999] == nil)
        c.insert(1, for: 1)
        #expect(c[1] == 1)
    }
}
