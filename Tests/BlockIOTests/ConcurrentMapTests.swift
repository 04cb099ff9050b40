import BlockIO
import Foundation
import Synchronization
import Testing

@Suite struct ConcurrentMapTests {
    @Test func resultsKeepTheElementsOrderAndTheirOwnErrors() {
        let out = concurrentMap(Array(0..<50), width: 8) { i -> Int in
            if i % 7 == 3 { throw ImageError("io", .corrupt, "element \(i)") }
            usleep(UInt32(1000 * (50 - i) % 5000))
            return i * i
        }
        #expect(out.count == 50)
        for (i, r) in out.enumerated() {
            switch r {
            case .success(let v): #expect(i % 7 != 3 && v == i * i)
            case .failure(let e): #expect(i % 7 == 3 && "\(e)".contains("element \(i)"))
            }
        }
    }

    /// Width 1 is the local-image case: everything on the caller's thread, one after another.
    @Test func widthOneRunsInOrderOnTheCallersThread() {
        let caller = pthread_self()
        let seen = Mutex<[Int]>([])
        let out = concurrentMap(Array(0..<10), width: 1) { i -> Bool in
            seen.withLock { $0.append(i) }
            return pthread_equal(pthread_self(), caller) != 0
        }
        #expect(out.allSatisfy { (try? $0.get()) == true })
        #expect(seen.withLock { $0 } == Array(0..<10))
    }

    /// Readers that wait (on the network) overlap their waits, beyond the number of cores.
    @Test func waitsOverlapUpToTheWidth() {
        let inFlight = Mutex((now: 0, most: 0))
        let began = ContinuousClock.now
        _ = concurrentMap(Array(0..<16), width: 16) { _ in
            inFlight.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            usleep(200_000)
            inFlight.withLock { $0.now -= 1 }
        }
        let took = ContinuousClock.now - began
        #expect(took < .milliseconds(1600), "16 waits of 200 ms took \(took): they did not overlap")
        #expect(inFlight.withLock { $0.most } > 2, "more than the two cores' worth in flight")
        #expect(inFlight.withLock { $0.most } <= 16)
    }
}
