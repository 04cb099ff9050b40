import BlockIO
import CLzo
import Codecs

/// Decoders for btrfs's compressed extents, each capped at the extent's `ram_bytes`: output
/// beyond it is `.corrupt` ("inflates past ram_bytes"), a short output is zero-filled (as the
/// kernel does), and so is a zlib stream or zstd frame cut off before its end (the kernel does so
/// for zstd; for zlib it returns EIO unless the pages are already full). zlib and zstd are
/// `Codecs`' decoders; lzo, used by btrfs alone, is here.
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
        case zlib:
            // A zlib stream (RFC 1950) as btrfs writes it.
            return try Inflate.decode(
                input, wrapper: .zlib, output: limit(ramBytes), what: "zlib extent", layer: Btrfs.layer, offset: at)
        case zstd:
            // One zstd frame, then padding up to the sector size.
            return try Zstd.decode(input, output: limit(ramBytes), what: "zstd extent", layer: Btrfs.layer, offset: at)
        case lzo: return try unlzo(input, ramBytes: ramBytes, at: at, page: sectorSize)
        default:
            throw ImageError(Btrfs.layer, .unsupported, "extent uses \(name(type))", at: at)
        }
    }

    /// `ram_bytes` as the output rule of every codec; lzo's errors use the same words.
    static func limit(_ ramBytes: Int) -> OutputLimit {
        .zeroFilled(upTo: ramBytes, named: "its ram_bytes", cutOff: .accepted)
    }

    static func overflow(_ type: UInt8, _ ramBytes: Int, at: UInt64?) -> ImageError {
        ImageError(
            Btrfs.layer, .corrupt, "\(name(type)) extent inflates past its ram_bytes of \(ramBytes) bytes", at: at)
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
