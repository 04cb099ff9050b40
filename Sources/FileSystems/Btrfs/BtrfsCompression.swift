import BlockIO
import CLzo
import CZlib
import CZstd

/// Decoders for btrfs's compressed extents, each capped at the extent's `ram_bytes`: output
/// beyond it is `.corrupt` ("inflates past ram_bytes"), a short output is zero-filled (as the
/// kernel does).
enum BtrfsCompression {
    static let zlib: UInt8 = 1
    static let lzo: UInt8 = 2
    static let zstd: UInt8 = 3

    static func name(_ type: UInt8) -> String {
        switch type {
        case zlib: "zlib"
        case lzo: "lzo"
        case zstd: "zstd"
        default: "compression type \(type)"
        }
    }

    /// Decompresses `input` (read at device offset `at`) into exactly `ramBytes` bytes.
    /// `sectorSize` is the lzo segment unit (the kernel's sectorsize; 4 KiB on x86 images).
    static func decompress(
        _ type: UInt8, _ input: [UInt8], ramBytes: Int, at: UInt64?, sectorSize: Int = 4096
    ) throws -> [UInt8] {
        switch type {
        case zlib: return try inflate(input, ramBytes: ramBytes, at: at)
        case zstd: return try unzstd(input, ramBytes: ramBytes, at: at)
        case lzo: return try unlzo(input, ramBytes: ramBytes, at: at, page: sectorSize)
        default:
            throw ImageError(Btrfs.layer, .unsupported, "extent uses \(name(type))", at: at)
        }
    }

    static func overflow(_ type: UInt8, _ ramBytes: Int, at: UInt64?) -> ImageError {
        ImageError(Btrfs.layer, .corrupt, "\(name(type)) extent inflates past its ram_bytes (\(ramBytes))", at: at)
    }

    /// A zlib stream (RFC 1950) as btrfs writes it.
    static func inflate(_ input: [UInt8], ramBytes: Int, at: UInt64?) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ramBytes + 1)
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImageError(Btrfs.layer, .io(errno: 0), "zlib inflateInit failed", at: at)
        }
        defer { inflateEnd(&stream) }
        var input = input
        let (status, produced) = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                // Safe: zlib reads at most avail_in bytes of `src` and writes at most avail_out of `dst`.
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                let s = CZlib.inflate(&stream, Z_FINISH)
                return (s, dst.count - Int(stream.avail_out))
            }
        }
        if produced > ramBytes { throw overflow(zlib, ramBytes, at: at) }
        // Z_BUF_ERROR with all output room left unused means the stream simply ended early.
        guard status == Z_STREAM_END || status == Z_BUF_ERROR || status == Z_OK else {
            throw ImageError(Btrfs.layer, .corrupt, "zlib stream is damaged (status \(status))", at: at)
        }
        out.removeLast()
        return out
    }

    /// One zstd frame, followed by padding up to the sector size.
    static func unzstd(_ input: [UInt8], ramBytes: Int, at: UInt64?) throws -> [UInt8] {
        guard let ctx = ZSTD_createDCtx() else {
            throw ImageError(Btrfs.layer, .io(errno: 0), "zstd context allocation failed", at: at)
        }
        defer { ZSTD_freeDCtx(ctx) }
        var out = [UInt8](repeating: 0, count: ramBytes + 1)
        let result: Result<Int, ImageError> = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                // Safe: zstd reads within `src` and writes within `dst`, whose sizes it is given.
                var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
                var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                while inBuf.pos < inBuf.size {
                    let r = ZSTD_decompressStream(ctx, &outBuf, &inBuf)
                    if ZSTD_isError(r) != 0 {
                        let why = String(cString: ZSTD_getErrorName(r))
                        return .failure(ImageError(Btrfs.layer, .corrupt, "zstd frame is damaged: \(why)", at: at))
                    }
                    // btrfs writes one frame; the rest of the sector-aligned extent is padding.
                    if r == 0 || outBuf.pos == outBuf.size { break }
                }
                return .success(outBuf.pos)
            }
        }
        let produced = try result.get()
        if produced > ramBytes { throw overflow(zstd, ramBytes, at: at) }
        out.removeLast()
        return out
    }

    /// btrfs's lzo framing: a 4-byte little-endian total length (including itself), then segments
    /// of a 4-byte length and lzo1x data, each inflating to at most one 4 KiB page; a segment header
    /// never crosses a 4 KiB boundary of the compressed stream (the gap before it is padding).
    /// With another sector size, that size replaces 4 KiB.
    static func unlzo(_ input: [UInt8], ramBytes: Int, at: UInt64?, page: Int) throws -> [UInt8] {
        let base = at ?? 0
        var r = ByteReader(input, layer: Btrfs.layer, base: base)
        let total = Int(try r.u32le())
        guard total >= 4, total <= input.count else {
            throw ImageError(Btrfs.layer, .corrupt, "lzo total length \(total) of a \(input.count)-byte extent", at: at)
        }
        var out = [UInt8](repeating: 0, count: ramBytes)
        var produced = 0
        var pos = 4
        while pos < total {
            // A segment header that would straddle a page boundary starts on the next page.
            if page - pos % page < 4 {
                pos += page - pos % page
                if pos >= total { break }
            }
            guard total - pos >= 4 else {
                throw ImageError(
                    Btrfs.layer, .corrupt, "lzo segment header past the total length", at: base + UInt64(pos))
            }
            let length = Int(try r.u32le(at: pos))
            pos += 4
            // lzo1x_worst_compress(4096): a segment is never longer.
            guard length > 0, length <= page + page / 16 + 64 + 3, length <= total - pos else {
                throw ImageError(Btrfs.layer, .corrupt, "lzo segment of \(length) bytes", at: base + UInt64(pos - 4))
            }
            if produced == ramBytes { throw overflow(lzo, ramBytes, at: at) }
            let room = min(page, ramBytes - produced)
            var got = lzo_uint(room)
            let status = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    // Safe: reads `length` bytes inside `src`; lzo1x_decompress_safe writes at most `got`
                    // bytes from `produced`, which is within `dst`.
                    lzo1x_decompress_safe(
                        src.baseAddress?.assumingMemoryBound(to: UInt8.self).advanced(by: pos), lzo_uint(length),
                        dst.baseAddress?.assumingMemoryBound(to: UInt8.self).advanced(by: produced), &got, nil)
                }
            }
            if status == LZO_E_OUTPUT_OVERRUN { throw overflow(lzo, ramBytes, at: at) }
            guard status == LZO_E_OK || status == LZO_E_INPUT_NOT_CONSUMED else {
                throw ImageError(
                    Btrfs.layer, .corrupt, "lzo segment is damaged (status \(status))", at: base + UInt64(pos))
            }
            produced += Int(got)
            pos += length
        }
        return out
    }
}
