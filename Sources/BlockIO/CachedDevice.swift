import Synchronization

/// A bounded LRU cache of aligned blocks in front of a slower device (decoded formats, small
/// metadata reads that repeat). Holds at most `capacity` blocks of `blockSize` bytes.
public final class CachedDevice: BlockDevice {
    public let base: any BlockDevice
    public let blockSize: Int
    public let capacity: Int
    public var size: UInt64 { base.size }

    private struct State {
        var blocks: [UInt64: [UInt8]] = [:]
        var lastUse: [UInt64: UInt64] = [:]
        var clock: UInt64 = 0
    }
    private let state = Mutex(State())

    /// - Parameters: `blockSize` a power of two; `capacity` the number of blocks kept.
    public init(_ base: any BlockDevice, blockSize: Int = 64 << 10, capacity: Int = 256) {
        self.base = base
        self.blockSize = max(512, blockSize)
        self.capacity = max(1, capacity)
    }

    private func block(_ index: UInt64) throws -> [UInt8] {
        if let hit = state.withLock({ s -> [UInt8]? in
            guard let b = s.blocks[index] else { return nil }
            s.clock += 1
            s.lastUse[index] = s.clock
            return b
        }) {
            return hit
        }
        let start = index * UInt64(blockSize)
        let n = Int(min(UInt64(blockSize), size - start))
        let data = try base.read(at: start, count: n, layer: "cache")
        state.withLock { s in
            if s.blocks.count >= capacity, let victim = s.lastUse.min(by: { $0.value < $1.value })?.key {
                s.blocks[victim] = nil
                s.lastUse[victim] = nil
            }
            s.clock += 1
            s.blocks[index] = data
            s.lastUse[index] = s.clock
        }
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
