import Synchronization

/// A bounded LRU cache (`BoundedCache`) of aligned blocks in front of a slower device (decoded formats, small
/// metadata reads that repeat). Holds at most `capacity` blocks of `blockSize` bytes.
public final class CachedDevice: BlockDevice {
    public let base: any BlockDevice
    public let blockSize: Int
    public let capacity: Int
    public var size: UInt64 { base.size }

    private let blocks: Mutex<BoundedCache<UInt64, [UInt8]>>

    /// - Parameters: `blockSize` a power of two; `capacity` the number of blocks kept.
    public init(_ base: any BlockDevice, blockSize: Int = 64 << 10, capacity: Int = 256) {
        self.base = base
        self.blockSize = max(512, blockSize)
        self.capacity = max(1, capacity)
        blocks = Mutex(BoundedCache(countLimit: self.capacity))
    }

    /// Blocks one read of `base` fetches at most: a long miss is one read of its whole run (so a
    /// file read is one request below, not one per block), in pieces of this many blocks.
    static let runBlocks: UInt64 = 256

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "cache")
        guard buffer.count > 0 else { return }
        let bs = UInt64(blockSize)
        let first = offset / bs
        let last = (offset + UInt64(buffer.count) - 1) / bs
        // The blocks of the range by position (first + k), the cached ones looked up under one
        // lock: an array, not a dictionary, as most reads are of one block or a few.
        var have: [[UInt8]?] = blocks.withLock { c in (first...last).map { c[$0] } }
        var k = 0
        while k < have.count {
            guard have[k] == nil else {
                k += 1
                continue
            }
            var end = k
            while end + 1 < have.count, end - k + 1 < Int(Self.runBlocks), have[end + 1] == nil { end += 1 }
            let start = (first + UInt64(k)) * bs
            let stop = min((first + UInt64(end) + 1) * bs, size)
            let data = try base.read(at: start, count: Int(stop - start), layer: "cache")
            blocks.withLock { c in
                for j in k...end {
                    let lo = (j - k) * blockSize
                    let block = Array(data[min(data.count, lo)..<min(data.count, lo + blockSize)])
                    have[j] = block
                    c.insert(block, for: first + UInt64(j))
                }
            }
            k = end + 1
        }
        try buffer.forEachChunk(at: offset, chunkBytes: bs, layer: "cache") { index, within, piece in
            guard let data = have[Int(index - first)], Int(within) + piece.count <= data.count else {
                throw ImageError("cache", .truncated, "short block", at: index * bs + within)
            }
            let start = Int(within)
            data.withUnsafeBytes { src in
                piece.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + piece.count]))
            }
        }
    }
}
