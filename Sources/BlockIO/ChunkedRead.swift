/// Splitting a read into the pieces a format maps one at a time (blocks, grains, stripes): the
/// one home for the `while done < buffer.count` loop every chunked device needs.
extension UnsafeMutableRawBufferPointer {
    /// Calls `body` for each piece of this buffer, read at device `offset`, that stays inside one
    /// `chunkBytes`-aligned chunk, in order: the chunk's index, the piece's offset within the
    /// chunk, and the piece itself. `chunkBytes` is a size a format header gave and its parser
    /// checked; 0 is refused rather than divided by.
    public func forEachChunk(
        at offset: UInt64, chunkBytes: UInt64, layer: String,
        _ body: (_ chunk: UInt64, _ within: UInt64, _ piece: UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        guard chunkBytes > 0 else { throw ImageError(layer, .corrupt, "chunk size of 0 bytes", at: offset) }
        var done = 0
        while done < count {
            let pos = offset + UInt64(done)
            let within = pos % chunkBytes
            let n = Int(Swift.min(UInt64(count - done), chunkBytes - within))
            try body(pos / chunkBytes, within, UnsafeMutableRawBufferPointer(rebasing: self[done..<done + n]))
            done += n
        }
    }
}
