import Synchronization

/// What reading an image over the network cost, for `--stats` and the benchmark. Holds counts
/// only: never a URL (its query may be a secret).
public struct TransferStats: Sendable, Equatable, Codable {
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// Times the reader waited for the network: a batch of requests sent together counts once.
    /// This, not bytes, is what a remote check costs (round trips × latency).
    public var roundTrips = 0
    /// Requests that were retries of a failed one.
    public var retries = 0
    /// Body bytes received.
    public var bytes: UInt64 = 0
    public init() {}

    public static func + (a: TransferStats, b: TransferStats) -> TransferStats {
        var sum = a
        sum.requests += b.requests
        sum.roundTrips += b.roundTrips
        sum.retries += b.retries
        sum.bytes += b.bytes
        return sum
    }
}

/// Transfer counts shared by every remote file of one image (the image, its backing files and
/// extents), as `ReadCounter` is for the bytes the layers read.
public final class TransferCounter: Sendable {
    private let counts = Mutex(TransferStats())
    public init() {}
    public func record(_ change: (inout TransferStats) -> Void) { counts.withLock { change(&$0) } }
    public var stats: TransferStats { counts.withLock { $0 } }
}
