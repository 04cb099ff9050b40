import BlockIO
import Foundation
import TestSupport
import Testing

@testable import RemoteIO

/// Latency, not bytes, is what a remote image costs: readers overlap their waits, a block on its
/// way is fetched once, and `roundTrips` counts the chain of waits, not the requests.
@Suite("HTTP parallel reads") struct HTTPParallelTests {
    static let blockSize = 64 << 10
    static let options = RemoteOptions(blockSize: blockSize)

    static func slowDevice(_ latency: Duration) throws -> (ServedFile, HTTPDevice) {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.latency = latency
        try #require(served.proxy).set(faults)
        return (served, try HTTPDevice(url: served.url(), options: options))
    }

    @Test func readersOnManyThreadsShareOneRoundTrip() throws {
        let (served, dev) = try Self.slowDevice(.milliseconds(200))
        let blocks = Array(stride(from: 3, to: 40, by: 3))
        let began = ContinuousClock.now
        let got = concurrentMap(blocks, width: blocks.count) { b in
            try dev.read(at: UInt64(b * Self.blockSize) + 10, count: 100)
        }
        let took = ContinuousClock.now - began
        for (b, r) in zip(blocks, got) {
            let at = b * Self.blockSize + 10
            #expect(try r.get() == Array(served.bytes[at..<at + 100]))
        }
        #expect(dev.stats.requests == 1 + blocks.count)
        #expect(dev.stats.roundTrips == 2, "the first block, then all of them together")
        #expect(took < .milliseconds(200 * blocks.count / 2), "\(blocks.count) reads of 200 ms took \(took)")
    }

    @Test func aBlockOnItsWayIsFetchedOnce() throws {
        let (served, dev) = try Self.slowDevice(.milliseconds(300))
        let got = concurrentMap(Array(0..<12), width: 12) { i in try dev.read(at: 500_000 + UInt64(i) * 100, count: 100)
        }
        for (i, r) in got.enumerated() {
            let at = 500_000 + i * 100
            #expect(try r.get() == Array(served.bytes[at..<at + 100]))
        }
        #expect(dev.stats.requests == 2, "twelve readers of one block: one request")
    }

    /// One read missing two runs (block 4 cached between them) sends both at once.
    @Test func aReadMissingSeveralRunsFetchesThemTogether() throws {
        let (served, dev) = try Self.slowDevice(.milliseconds(100))
        let bs = UInt64(Self.blockSize)
        _ = try dev.read(at: 4 * bs, count: 10)
        let before = dev.stats
        #expect(try dev.read(at: 3 * bs, count: Int(3 * bs)) == Array(served.bytes[Int(3 * bs)..<Int(6 * bs)]))
        #expect(dev.stats.requests == before.requests + 2)
        #expect(dev.stats.roundTrips == before.roundTrips + 1)
    }

    /// Read-ahead grows along a stream read in order (1, 2, 4 … blocks ahead) and never starts
    /// for scattered reads, even of neighbouring blocks read out of order.
    @Test func readAheadFollowsStreamsOnly() throws {
        let served = try ServedFile()
        let dev = try HTTPDevice(url: served.url(), options: Self.options)
        let bs = Self.blockSize
        for b in 1...8 {
            #expect(try dev.read(at: UInt64(b * bs), count: bs) == Array(served.bytes[b * bs..<(b + 1) * bs]))
        }
        #expect(dev.stats.requests == 1 + 3, "blocks 1, 2–3 and 4–8")
        let scattered = try HTTPDevice(url: served.url(), options: Self.options)
        for b in [20, 12, 30, 11, 25] { _ = try scattered.read(at: UInt64(b * bs + 7), count: 9) }
        #expect(scattered.stats.requests == 1 + 5)
        #expect(scattered.stats.bytes == UInt64(6 * bs), "no block fetched ahead")
    }
}
