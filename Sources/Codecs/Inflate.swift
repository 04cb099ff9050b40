import BlockIO
import CZlib

/// Deflate decoding (RFC 1951, raw or in a zlib wrapper, RFC 1950) with the output capped by an
/// `OutputLimit`: the one inflate for qcow2 clusters, VMDK grains and btrfs extents.
public enum Inflate {
    /// How the deflate data is framed.
    public enum Wrapper: Sendable, Equatable {
        /// Raw deflate, no header or checksum, with a window of `2^windowBits` bytes (8...15);
        /// qemu writes qcow2 clusters with a 4 KiB window (`windowBits` 12).
        case raw(windowBits: Int32)
        /// A zlib stream: a 2-byte header, deflate with a window of up to 32 KiB, Adler-32.
        case zlib
    }

    /// Decodes one deflate stream from the start of `input` into `output.count` bytes; input past
    /// the end of the stream is ignored (padding, or the next stream).
    ///
    /// Throws `ImageError` in `layer` at `offset` (the device offset of the compressed data):
    /// `.corrupt` for damaged data and for a size the rule refuses, `output.overflow` for output
    /// past `output.count`. `what` names the data in the message ("compressed cluster").
    public static func decode(
        _ input: [UInt8], wrapper: Wrapper, output: OutputLimit, what: String, layer: String, offset: UInt64?
    ) throws -> [UInt8] {
        guard input.count < Int(UInt32.max) else {
            throw ImageError(layer, .limitExceeded, "\(what) of \(input.count) bytes", at: offset)
        }
        let windowBits: Int32
        switch wrapper {
        case .raw(let bits):
            guard (8...15).contains(bits) else {
                throw ImageError(layer, .unsupported, "\(what): deflate window of 2^\(bits) bytes", at: offset)
            }
            windowBits = -bits
        case .zlib: windowBits = 15
        }
        var out = try output.buffer(layer: layer, at: offset)
        var stream = z_stream()
        // The macro inflateInit2 cannot be called from Swift; inflateInit2_ is the function it expands to.
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImageError(layer, .io(errno: 0), "\(what): zlib inflateInit failed", at: offset)
        }
        defer { inflateEnd(&stream) }
        var input = input
        let (status, produced) = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                // Safe: zlib reads at most avail_in bytes of `src` and writes at most avail_out bytes of
                // `dst`; both outlive the call, and the stream is not used after it with these pointers.
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                let s = CZlib.inflate(&stream, Z_FINISH)
                stream.next_in = nil
                stream.next_out = nil
                return (s, dst.count - Int(stream.avail_out))
            }
        }
        if produced > output.count {
            return try output.finish(&out, produced: produced, ended: false, what: what, layer: layer, at: offset)
        }
        // With Z_FINISH and room left, Z_BUF_ERROR (or Z_OK) means the input ran out first.
        guard status == Z_STREAM_END || status == Z_BUF_ERROR || status == Z_OK else {
            let why = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw ImageError(layer, .corrupt, "\(what): deflate data is damaged (\(why))", at: offset)
        }
        return try output.finish(
            &out, produced: produced, ended: status == Z_STREAM_END, what: what, layer: layer, at: offset)
    }
}
