import BlockIO
import Foundation
import TestSupport
import Testing

@testable import RemoteIO

/// Faults injected by `FaultProxy` between HTTPDevice and nginx: what is retried recovers with the
/// same bytes, what is not (or runs out of tries or time) is an `http` error that says why and
/// never shows the URL's query.
@Suite("HTTP faults") struct HTTPFaultTests {
    static let small = RemoteOptions(blockSize: 1 << 18)

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The error `body` throws, which must be an `ImageError` of layer http hiding the query.
    static func httpError(_ body: () throws -> Void) -> ImageError? {
        do {
            try body()
            Issue.record("no error")
            return nil
        } catch let e as ImageError {
            #expect(e.layer == "http")
            #expect(!e.description.contains(ServedFile.secret), "\(e)")
            #expect(!e.description.contains("sv=1"), "\(e)")
            return e
        } catch {
            Issue.record("not an ImageError: \(error)")
            return nil
        }
    }

    @Test func unavailableWithRetryAfterIsWaitedForAndRetried() throws {
        let served = try ServedFile()
        let proxy = try #require(served.proxy)
        var faults = FaultProxy.Faults()
        faults.unavailable = 2
        faults.retryAfter = 1
        proxy.set(faults)
        let began = ContinuousClock.now
        let dev = try HTTPDevice(url: served.url(), options: Self.small)
        let waited = Self.seconds(ContinuousClock.now - began)
        #expect(waited >= 2, "Retry-After: 1 twice was not honoured (\(waited) s)")
        #expect(try dev.read(at: 1_000_000, count: 5000) == Array(served.bytes[1_000_000..<1_005_000]))
        #expect(dev.stats.retries == 2)
        #expect(dev.stats.requests == proxy.requests)
    }

    @Test func unavailableForeverGivesUpAfterTheTries() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.unavailable = 1000
        try #require(served.proxy).set(faults)
        let e = Self.httpError { _ = try HTTPDevice(url: served.url(), options: RemoteOptions(maximumTries: 3)) }
        #expect(e?.detail.contains("HTTP status 503") == true, "\(String(describing: e))")
        #expect(e?.detail.contains("gave up after 3 tries") == true, "\(String(describing: e))")
        #expect(served.proxy?.requests == 3)
    }

    @Test func retryAfterPastTheTimeoutGivesUpAtOnce() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.unavailable = 1000
        faults.retryAfter = 30
        try #require(served.proxy).set(faults)
        let began = ContinuousClock.now
        let e = Self.httpError { _ = try HTTPDevice(url: served.url(), options: RemoteOptions(timeout: .seconds(2))) }
        #expect(Self.seconds(ContinuousClock.now - began) < 2)
        #expect(e?.detail.contains("--timeout of 2.0 s") == true, "\(String(describing: e))")
    }

    @Test func stalledRequestsTimeOutAndTheDeadlineEndsTheRetries() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.latency = .seconds(3)
        try #require(served.proxy).set(faults)
        let began = ContinuousClock.now
        let e = Self.httpError {
            _ = try HTTPDevice(
                url: served.url(),
                options: RemoteOptions(timeout: .milliseconds(1500), requestTimeout: .milliseconds(500)))
        }
        let took = Self.seconds(ContinuousClock.now - began)
        #expect(took < 2.5, "the per-request timeout did not cut a stalled request (\(took) s)")
        #expect(e?.detail.contains("Timeout was reached") == true, "\(String(describing: e))")
        #expect(e?.detail.contains("--timeout") == true, "\(String(describing: e))")
    }

    @Test(arguments: ["reset", "truncate"]) func aBrokenBodyIsRetriedAndReadsTheSameBytes(fault: String) throws {
        let served = try ServedFile()
        let proxy = try #require(served.proxy)
        let dev = try HTTPDevice(url: served.url(), options: Self.small)
        var faults = FaultProxy.Faults()
        if fault == "reset" { faults.resetMidBody = 2 } else { faults.truncateBody = 2 }
        proxy.set(faults)
        let n = served.bytes.count - 600_000
        #expect(try dev.read(at: 600_000, count: n) == Array(served.bytes[600_000...]))
        #expect(dev.stats.retries == 2)
        #expect(dev.stats.bytes > UInt64(n), "the broken halves count as transferred")
    }

    @Test func aBrokenBodyEveryTimeIsAnError() throws {
        let served = try ServedFile()
        let dev = try HTTPDevice(url: served.url(), options: RemoteOptions(blockSize: 1 << 18, maximumTries: 2))
        var faults = FaultProxy.Faults()
        faults.truncateBody = 1000
        try #require(served.proxy).set(faults)
        let e = Self.httpError { _ = try dev.read(at: 2_000_000, count: 10) }
        #expect(e?.detail.contains("gave up after 2 tries") == true, "\(String(describing: e))")
        #expect(e?.offset == 2_000_000 / (1 << 18) * (1 << 18))
    }

    /// The object replaced mid-check: a server honouring If-Match answers 412 ...
    @Test func aReplacedObjectIsRefusedBy412() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.replaceAfter = 2
        try #require(served.proxy).set(faults)
        let dev = try HTTPDevice(url: served.url(), options: Self.small)
        let e = Self.httpError { _ = try dev.read(at: 2_000_000, count: 10) }
        #expect(e?.kind == .corrupt)
        #expect(e?.detail.contains("412: the object changed while being read") == true, "\(String(describing: e))")
    }

    /// ... and one that ignores If-Match still shows a new ETag, which is refused too.
    @Test func aReplacedObjectIsRefusedByItsNewETag() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.replaceAfter = 2
        faults.honourIfMatch = false
        try #require(served.proxy).set(faults)
        let dev = try HTTPDevice(url: served.url(), options: Self.small)
        let e = Self.httpError { _ = try dev.read(at: 2_000_000, count: 10) }
        #expect(e?.kind == .corrupt)
        #expect(
            e?.detail.contains("the object changed while being read (ETag \"original\" became \"replaced\"") == true,
            "\(String(describing: e))")
    }

    @Test func forbiddenSaysWhetherTheSASExpired() throws {
        let served = try ServedFile()
        var faults = FaultProxy.Faults()
        faults.status = 403
        try #require(served.proxy).set(faults)
        let expired = Self.httpError {
            _ = try HTTPDevice(url: served.url(query: "?sv=1&se=2020-01-01T00%3A00%3A00Z&sig=\(ServedFile.secret)"))
        }
        #expect(
            expired?.detail.contains("403 access denied: the SAS expired at 2020-01-01T00:00:00Z") == true,
            "\(String(describing: expired))")
        let valid = Self.httpError {
            _ = try HTTPDevice(url: served.url(query: "?sv=1&se=2999-01-01T00%3A00%3A00Z&sig=\(ServedFile.secret)"))
        }
        #expect(
            valid?.detail.contains("403 access denied: the SAS (not expired) does not grant") == true,
            "\(String(describing: valid))")
        let plain = Self.httpError { _ = try HTTPDevice(url: served.url()) }
        #expect(plain?.detail.hasPrefix("403 access denied (http://127.0.0.1:") == true, "\(String(describing: plain))")
        #expect(served.proxy?.requests == 3, "a 403 is not retried")
    }

    /// A reader waiting out a backoff holds no lock: another reader of the same device is served
    /// from the cache meanwhile.
    @Test func backoffDoesNotBlockOtherReaders() throws {
        let served = try ServedFile()
        let proxy = try #require(served.proxy)
        let dev = try HTTPDevice(url: served.url(), options: Self.small)
        var faults = FaultProxy.Faults()
        faults.unavailable = 1
        faults.retryAfter = 2
        proxy.set(faults)
        let slow = Thread { _ = try? dev.read(at: 3_000_000, count: 10) }
        slow.start()
        while proxy.requests < 2 { usleep(10_000) }
        let began = ContinuousClock.now
        #expect(try dev.read(at: 100, count: 1000) == Array(served.bytes[100..<1100]))
        #expect(Self.seconds(ContinuousClock.now - began) < 1, "a cached read waited for another reader's backoff")
        while !slow.isFinished { usleep(10_000) }
    }
}
