import BlockIO
import CZstd

/// Zstandard decoding (RFC 8878) of one frame with the output capped by an `OutputLimit`: the one
/// zstd decoder for qcow2 clusters and btrfs extents.
public enum Zstd {
    /// The largest window a frame may ask for: 4 MiB, so a frame cannot make the decoder allocate
    /// more than a few MiB whatever its header says (libzstd's default allows 128 MiB). It is twice
    /// the largest qcow2 cluster (2 MiB); the kernel writes btrfs extents with a window of at
    /// most 128 KiB.
    public static let windowLogMax: Int32 = 22

    /// Decodes the first zstd frame of `input` into `output.count` bytes; input past the end of the
    /// frame is ignored (btrfs pads an extent to the sector size; in qcow2 the next cluster follows).
    ///
    /// Throws `ImageError` in `layer` at `offset` (the device offset of the compressed data):
    /// `.corrupt` for a damaged frame (or one whose window is over `windowLogMax`) and for a size
    /// the rule refuses, `output.overflow` for output past `output.count`. `what` names the data
    /// in the message ("zstd extent").
    public static func decode(
        _ input: [UInt8], output: OutputLimit, what: String, layer: String, offset: UInt64?
    ) throws -> [UInt8] {
        var out = try output.buffer(layer: layer, at: offset)
        guard let context = ZSTD_createDCtx() else {
            throw ImageError(layer, .io(errno: 0), "\(what): zstd context allocation failed", at: offset)
        }
        defer { ZSTD_freeDCtx(context) }
        guard ZSTD_isError(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, windowLogMax)) == 0 else {
            throw ImageError(layer, .io(errno: 0), "\(what): zstd refuses windowLogMax \(windowLogMax)", at: offset)
        }
        let result: Result<(produced: Int, ended: Bool), ImageError> = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                // Safe: zstd reads at most src.count bytes from `src` and writes at most dst.count bytes
                // to `dst`, the sizes it is given; neither buffer is used by zstd after this closure.
                var inBuffer = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                while true {
                    let before = (inBuffer.pos, outBuffer.pos)
                    let status = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    if ZSTD_isError(status) != 0 {
                        let why = String(cString: ZSTD_getErrorName(status))
                        return .failure(
                            ImageError(layer, .corrupt, "\(what): zstd frame is damaged: \(why)", at: offset))
                    }
                    // 0: the frame is decoded and flushed. A full buffer is the spare byte: past the cap.
                    if status == 0 || outBuffer.pos == outBuffer.size {
                        return .success((outBuffer.pos, status == 0))
                    }
                    // No progress: the input ran out before the end of the frame.
                    if before == (inBuffer.pos, outBuffer.pos) { return .success((outBuffer.pos, false)) }
                }
            }
        }
        let (produced, ended) = try result.get()
        return try output.finish(&out, produced: produced, ended: ended, what: what, layer: layer, at: offset)
    }
}
