import BlockIO
import Synchronization

/// An image behind an `http(s)://` URL read with range GETs through reused libcurl handles
/// (connections kept alive, HTTP/2 where offered), cached in aligned blocks with sequential
/// read-ahead.
///
/// The first response's ETag is sent as `If-Match` on every later request, so an image that changes
/// mid-read fails (412) instead of mixing two versions. Errors use layer `http` and the URL without
/// its query: the query may be a SAS signature, which is a secret.
///
/// The lock guards the cache only: no request, and no backoff sleep, runs under it, so a reader
/// waiting on the network never stalls one the cache serves (`HTTPRangeClient` does the requests).
public final class HTTPDevice: BlockDevice {
    public let size: UInt64
    /// The URL without its query: the only form that is printed.
    public var displayURL: String { client.display }
    private let client: HTTPRangeClient
    private var options: RemoteOptions { client.options }
    private let state = Mutex(State())

    private struct State {
        var blocks: [UInt64: (data: [UInt8], used: UInt64)] = [:]
        var uses: UInt64 = 0
        var lastBlock: UInt64?
    }

    /// Opens `url` and learns size and ETag from a first range GET of one block. Transfers are
    /// counted in `counter` (shared by the files of one image); retries stop at `deadline`
    /// (default: `options.timeout` from now).
    public init(
        url: String, options: RemoteOptions = RemoteOptions(), counter: TransferCounter = TransferCounter(),
        deadline: ContinuousClock.Instant? = nil
    ) throws {
        client = HTTPRangeClient(
            url: url, options: options, counter: counter, deadline: deadline ?? ContinuousClock.now.advanced(by: options.timeout))
        let first = try client.fetch(start: 0, length: UInt64(options.blockSize), total: nil)
        size = first.total
        if !first.body.isEmpty { state.withLock { $0.blocks[0] = (first.body, 0) } }
    }

    /// Requests, round trips, retries and bytes of every file counted with this one.
    public var stats: TransferStats { client.counter.stats }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "http")
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        let bs = UInt64(options.blockSize)
        let firstBlock = offset / bs
        let lastBlock = (offset + UInt64(buffer.count) - 1) / bs
        let blockCount = (size + bs - 1) / bs
        // Under the lock: take what the cache holds, plan one request per run of missing blocks
        // (a sequential read extended by read-ahead).
        var have: [UInt64: [UInt8]] = [:]
        let runs: [ClosedRange<UInt64>] = state.withLock { st in
            st.uses += 1
            for b in firstBlock...lastBlock {
                if let hit = st.blocks[b] {
                    have[b] = hit.data
                    st.blocks[b]?.used = st.uses
                }
            }
            // Only a read starting in the block after the last read's end is sequential: metadata
            // reads that stay in one block (most of them) must not fetch megabytes ahead.
            let sequential = st.lastBlock.map { $0 + 1 == firstBlock } ?? false
            st.lastBlock = lastBlock
            var runs: [ClosedRange<UInt64>] = []
            var b = firstBlock
            while b <= lastBlock {
                if have[b] != nil { b += 1; continue }
                var end = b
                while end < lastBlock, have[end + 1] == nil { end += 1 }
                if sequential, end == lastBlock {
                    let ahead = min(blockCount - 1, end + UInt64(options.readAheadBlocks))
                    while end < ahead, st.blocks[end + 1] == nil { end += 1 }
                }
                runs.append(b...end)
                b = end + 1
            }
            return runs
        }
        for run in runs {
            let start = run.lowerBound * bs
            let length = min(size, (run.upperBound + 1) * bs) - start
            let got = try client.fetch(start: start, length: length, total: size)
            var fetched: [(UInt64, [UInt8])] = []
            for i in run {
                let lo = Int((i - run.lowerBound) * bs)
                let block = Array(got.body[lo..<min(got.body.count, lo + Int(bs))])
                fetched.append((i, block))
                if i <= lastBlock { have[i] = block }
            }
            state.withLock { st in
                st.uses += 1
                for (i, block) in fetched { st.blocks[i] = (block, st.uses) }
                while st.blocks.count > options.cachedBlocks, let oldest = st.blocks.min(by: { $0.value.used < $1.value.used }) {
                    st.blocks[oldest.key] = nil
                }
            }
        }
        var done = 0
        for i in firstBlock...lastBlock {
            guard let block = have[i] else {
                throw ImageError("http", .io(errno: 0), "block missing after fetch (\(displayURL))", at: i * bs)
            }
            let from = i == firstBlock ? Int(offset - i * bs) : 0
            let n = min(block.count - from, buffer.count - done)
            guard n > 0 else {
                throw ImageError("http", .truncated, "short block (\(displayURL))", at: i * bs)
            }
            block.withUnsafeBytes { src in
                if let s = src.baseAddress { (base + done).copyMemory(from: s + from, byteCount: n) }
            }
            done += n
        }
    }
}
