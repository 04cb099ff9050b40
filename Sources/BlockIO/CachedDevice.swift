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

    private func block(_ index: UInt64) throws -> [UInt8] {
        if let hit = blocks.withLock({ $0[index] }) { return hit }
        let start = index * UInt64(blockSize)
        let n = Int(min(UInt64(blockSize), size - start))
        let data = try base.read(at: start, count: n, layer: "cache")
        blocks.withLock { $0.insert(data, for: index) }
        return data
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "cache")
        try buffer.forEachChunk(at: offset, chunkBytes: UInt64(blockSize), layer: "cache") { index, within, piece in
            let data = try block(index)
            let start = Int(within)
            guard start + piece.count <= data.count else {
                throw ImageError("cache", .truncated, "short block", at: index * UInt64(blockSize) + within)
            }
            data.withUnsafeBytes { src in
                piece.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + piece.count]))
            }
        }
    }
}
