import Synchronization

/// What reading an image over the network cost, for `--stats` and the benchmark. Holds counts
/// only: never a URL (its query may be a secret).
public struct TransferStats: Sendable, Equatable, Codable {
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// The longest chain of requests each sent only after the one before it was answered: requests
    /// in flight together count once. This, not bytes, is what a remote check costs (wall time ≈
    /// round trips × latency).
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
    /// The counts, and the deepest chain among the requests answered so far.
    private let counts = Mutex((stats: TransferStats(), answeredDepth: 0))
    public init() {}
    public func record(_ change: (inout TransferStats) -> Void) { counts.withLock { change(&$0.stats) } }
    public var stats: TransferStats { counts.withLock { $0.stats } }

    /// Counts a request about to be sent and returns its place in the chain (`roundTrips`): one
    /// more than the deepest request answered before it was sent, so requests sent while others
    /// are in flight share their round trip. Hand the result to `answered(_:)`.
    public func sending(retry: Bool) -> Int {
        counts.withLock { c in
            let depth = c.answeredDepth + 1
            c.stats.requests += 1
            if retry { c.stats.retries += 1 }
            c.stats.roundTrips = max(c.stats.roundTrips, depth)
            return depth
        }
    }

    /// Marks the request `sending` returned `depth` for as answered (or failed).
    public func answered(_ depth: Int) {
        counts.withLock { $0.answeredDepth = max($0.answeredDepth, depth) }
    }
}
