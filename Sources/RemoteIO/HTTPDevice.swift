import BlockIO
import Dispatch
import Synchronization

/// An image behind an `http(s)://` URL read with range GETs through reused libcurl handles
/// (connections kept alive, HTTP/2 where offered), cached in aligned blocks with sequential
/// read-ahead.
///
/// Latency, not bytes, is the cost, so the device lets readers overlap their waits: a read that
/// misses several runs of blocks fetches them in parallel, readers on other threads (a guest
/// tree read with `readWidth` > 1) fetch theirs at the same time, and a block already on its way
/// for one reader is waited for by the next, never fetched twice.
///
/// The first response's ETag is sent as `If-Match` on every later request, so an image that changes
/// mid-read fails (412) instead of mixing two versions. Errors use layer `http` and the URL without
/// its query: the query may be a SAS signature, which is a secret.
///
/// The lock guards the cache and the table of blocks in flight only: no request, and no backoff
/// sleep, runs under it (`HTTPRangeClient` does the requests).
public final class HTTPDevice: BlockDevice {
    public let size: UInt64
    /// The URL without its query: the only form that is printed.
    public var displayURL: String { client.display }
    private let client: HTTPRangeClient
    private var options: RemoteOptions { client.options }
    private let state: Mutex<State>

    private struct State {
        var blocks: BoundedCache<UInt64, [UInt8]>
        /// Blocks some reader is fetching now, and what to wait on for them.
        var inFlight: [UInt64: Fetch] = [:]
        /// Sequential streams: the block each is expected to read next, and its read-ahead window.
        var streams = BoundedCache<UInt64, UInt64>(countLimit: 32)
    }

    /// One request on its way: readers needing its blocks wait for `done`; `failure` is its error.
    private final class Fetch: Sendable {
        let done = DispatchGroup()
        let failure = Mutex<(any Error)?>(nil)
        init() { done.enter() }
    }

    /// Opens `url` and learns size and ETag from a first range GET of one block. Transfers are
    /// counted in `counter` (shared by the files of one image); retries stop at `deadline`
    /// (default: `options.timeout` from now).
    public init(
        url: String, options: RemoteOptions = RemoteOptions(), counter: TransferCounter = TransferCounter(),
        deadline: ContinuousClock.Instant? = nil
    ) throws {
        client = HTTPRangeClient(
            url: url, options: options, counter: counter,
            deadline: deadline ?? ContinuousClock.now.advanced(by: options.timeout))
        state = Mutex(State(blocks: BoundedCache(countLimit: options.cachedBlocks)))
        let first = try client.fetch(start: 0, length: UInt64(options.blockSize), total: nil)
        size = first.total
        if !first.body.isEmpty { state.withLock { $0.blocks.insert(first.body, for: 0) } }
    }

    /// Requests, round trips, retries and bytes of every file counted with this one.
    public var stats: TransferStats { client.counter.stats }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "http")
        guard buffer.count > 0 else { return }
        let bs = UInt64(options.blockSize)
        let firstBlock = offset / bs
        let lastBlock = (offset + UInt64(buffer.count) - 1) / bs
        var have: [UInt64: [UInt8]] = [:]
        var window: UInt64?
        // A block another reader fetched can be evicted before this one copies it; then it is
        // fetched again. Bounded, so a cache too small for one read fails instead of spinning.
        for _ in 0..<4 where have.count < Int(lastBlock - firstBlock + 1) {
            let plan = state.withLock { st in
                self.plan(&st, firstBlock...lastBlock, have: &have, window: &window)
            }
            try fetch(plan.runs, keeping: firstBlock...lastBlock, into: &have)
            for wait in plan.waits {
                wait.done.wait()
                if let e = wait.failure.withLock({ $0 }) { throw e }
            }
            if !plan.waits.isEmpty {
                state.withLock { st in
                    for b in firstBlock...lastBlock where have[b] == nil { have[b] = st.blocks[b] }
                }
            }
        }
        try buffer.forEachChunk(at: offset, chunkBytes: bs, layer: "http") { index, within, piece in
            guard let block = have[index] else {
                throw ImageError(
                    "http", .io(errno: 0), "block evicted before it was read: the cache is too small (\(displayURL))",
                    at: index * bs)
            }
            let start = Int(within)
            guard start + piece.count <= block.count else {
                throw ImageError("http", .truncated, "short block (\(displayURL))", at: index * bs + within)
            }
            block.withUnsafeBytes { src in
                piece.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + piece.count]))
            }
        }
    }

    /// Under the lock: takes what the cache holds, waits for what is in flight, and claims one
    /// request per run of the other blocks (a sequential read's last run extended by read-ahead).
    private func plan(
        _ st: inout State, _ wanted: ClosedRange<UInt64>, have: inout [UInt64: [UInt8]], window: inout UInt64?
    ) -> (runs: [(ClosedRange<UInt64>, Fetch)], waits: [Fetch]) {
        let bs = UInt64(options.blockSize)
        let blockCount = (size + bs - 1) / bs
        var waits: [ObjectIdentifier: Fetch] = [:]
        var missing: [UInt64] = []
        for b in wanted where have[b] == nil {
            if let hit = st.blocks[b] {
                have[b] = hit
            } else if let f = st.inFlight[b] {
                waits[ObjectIdentifier(f)] = f
            } else {
                missing.append(b)
            }
        }
        // Read-ahead as a kernel does it, per stream: a read that goes on from where an earlier one
        // ended (in the next block) doubles that stream's window, up to `readAheadBlocks`; one
        // that stays in the block it ended in keeps it. Scattered metadata reads, even of
        // neighbouring blocks, so fetch at most a block or two ahead, while a file read in order
        // soon fetches a megabyte per round trip. Decided once per read, so a second plan after
        // a wait does not count the read as its own continuation.
        if window == nil {
            let w: UInt64
            if let grown = st.streams[wanted.lowerBound] {
                w = min(UInt64(options.readAheadBlocks), max(1, grown * 2))
                st.streams.removeValue(for: wanted.lowerBound)
            } else if let same = st.streams[wanted.lowerBound + 1], wanted.lowerBound == wanted.upperBound {
                w = same
            } else {
                w = 0
            }
            window = w
            st.streams.insert(w, for: wanted.upperBound + 1)
        }
        var runs: [(ClosedRange<UInt64>, Fetch)] = []
        var i = 0
        while i < missing.count {
            let start = missing[i]
            var end = start
            while i + 1 < missing.count, missing[i + 1] == end + 1 {
                i += 1
                end += 1
            }
            if let window, window > 0, end == wanted.upperBound {
                let ahead = min(blockCount - 1, end + window)
                while end < ahead, !st.blocks.contains(end + 1), st.inFlight[end + 1] == nil { end += 1 }
            }
            let fetch = Fetch()
            let run = start...end
            for b in run { st.inFlight[b] = fetch }
            runs.append((run, fetch))
            i += 1
        }
        return (runs, Array(waits.values))
    }

    /// Fetches `runs` (in parallel when there are several), caches their blocks, keeps those in
    /// `wanted` in `have`, and wakes the readers waiting for them.
    private func fetch(
        _ runs: [(ClosedRange<UInt64>, Fetch)], keeping wanted: ClosedRange<UInt64>, into have: inout [UInt64: [UInt8]]
    ) throws {
        guard !runs.isEmpty else { return }
        let bs = UInt64(options.blockSize)
        let size = size
        let client = client
        let bodies = concurrentMap(runs.map(\.0), width: options.parallelRequests) { run -> [UInt8] in
            let start = run.lowerBound * bs
            return try client.fetch(start: start, length: min(size, (run.upperBound + 1) * bs) - start, total: size)
                .body
        }
        var firstError: (any Error)?
        state.withLock { st in
            for ((run, fetch), body) in zip(runs, bodies) {
                switch body {
                case .success(let body):
                    for b in run {
                        let lo = Int((b - run.lowerBound) * bs)
                        let block = Array(body[min(body.count, lo)..<min(body.count, lo + Int(bs))])
                        st.blocks.insert(block, for: b)
                        if wanted.contains(b) { have[b] = block }
                    }
                case .failure(let e):
                    fetch.failure.withLock { $0 = e }
                    if firstError == nil { firstError = e }
                }
                for b in run { st.inFlight[b] = nil }
                fetch.done.leave()
            }
        }
        if let firstError { throw firstError }
    }
}
