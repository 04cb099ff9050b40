import BlockIO
import CZlib
import CZstd

/// Decompresses one qcow2 compressed cluster (qcow2 spec, "Compressed Clusters Descriptor"):
/// raw deflate with a 4 KiB window (compression type 0) or one zstd frame (type 1).
///
/// The output is exactly one cluster: a stream that ends early, or that would produce more than
/// a cluster, is `.corrupt`. The input may run on past the end of the stream (the descriptor
/// counts whole 512-byte sectors, and the next compressed cluster follows without a gap).
enum QCOW2Decompressor {
    static func decompress(
        _ input: [UInt8], type: QCOW2Header.CompressionType, clusterSize: Int, at offset: UInt64
    ) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: clusterSize)
        switch type {
        case .deflate: try inflate(input, into: &out, at: offset)
        case .zstd: try zstd(input, into: &out, at: offset)
        }
        return out
    }

    private static func corrupt(_ what: String, _ offset: UInt64) -> ImageError {
        ImageError("qcow2", .corrupt, "compressed cluster: \(what)", at: offset)
    }

    static func inflate(_ input: [UInt8], into out: inout [UInt8], at offset: UInt64) throws {
        var input = input
        let outCount = out.count
        try input.withUnsafeMutableBytes { src in
            try out.withUnsafeMutableBytes { dst in
                var stream = z_stream()
                // -12: raw deflate, 4 KiB window, as qemu writes it. The macro inflateInit2 cannot be
                // called from Swift; inflateInit2_ is the function it expands to.
                guard inflateInit2_(&stream, -12, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                    throw corrupt("cannot initialise zlib", offset)
                }
                defer { inflateEnd(&stream) }
                // Safe: both buffers outlive the stream, and zlib writes at most avail_out bytes.
                stream.next_in = src.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outCount)
                let status = CZlib.inflate(&stream, Z_FINISH)
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_out == 0 else {
                        throw corrupt("deflate stream ends after \(stream.total_out) of \(outCount) bytes", offset)
                    }
                case Z_OK, Z_BUF_ERROR:
                    guard stream.avail_out == 0 else {
                        throw corrupt("deflate data ends after \(stream.total_out) of \(outCount) bytes", offset)
                    }
                    // The cluster is full: the stream must not have more to give.
                    var extra: UInt8 = 0
                    let produced = withUnsafeMutablePointer(to: &extra) { p -> Bool in
                        stream.next_out = p
                        stream.avail_out = 1
                        let s = CZlib.inflate(&stream, Z_FINISH)
                        return stream.avail_out == 0 && (s == Z_OK || s == Z_STREAM_END || s == Z_BUF_ERROR)
                    }
                    if produced {
                        throw corrupt("deflate stream inflates past the cluster size of \(outCount) bytes", offset)
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw corrupt("deflate: \(message)", offset)
                }
            }
        }
    }

    static func zstd(_ input: [UInt8], into out: inout [UInt8], at offset: UInt64) throws {
        guard let context = ZSTD_createDCtx() else { throw corrupt("cannot initialise zstd", offset) }
        defer { ZSTD_freeDCtx(context) }
        // A cluster is at most 2 MiB: refuse frames that ask for a bigger window (and memory).
        _ = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 22)
        let outCount = out.count
        try input.withUnsafeBytes { src in
            try out.withUnsafeMutableBytes { dst in
                // Safe: zstd reads at most src.count bytes and writes at most dst.count bytes.
                var inBuffer = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                while true {
                    let before = (inBuffer.pos, outBuffer.pos)
                    let status = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    if ZSTD_isError(status) != 0 {
                        throw corrupt("zstd: \(String(cString: ZSTD_getErrorName(status)))", offset)
                    }
                    if status == 0 { break }  // end of the frame
                    if outBuffer.pos == outBuffer.size {
                        // The cluster is full: the frame must not have more to give.
                        var extra: UInt8 = 0
                        let produced = withUnsafeMutableBytes(of: &extra) { p -> Int in
                            var probe = ZSTD_outBuffer(dst: p.baseAddress, size: 1, pos: 0)
                            let s = ZSTD_decompressStream(context, &probe, &inBuffer)
                            return ZSTD_isError(s) != 0 ? 0 : probe.pos
                        }
                        if produced > 0 {
                            throw corrupt("zstd frame decompresses past the cluster size of \(outCount) bytes", offset)
                        }
                        break
                    }
                    if inBuffer.pos == inBuffer.size || before == (inBuffer.pos, outBuffer.pos) {
                        throw corrupt("zstd frame ends after \(outBuffer.pos) of \(outCount) bytes", offset)
                    }
                }
                guard outBuffer.pos == outCount else {
                    throw corrupt("zstd frame ends after \(outBuffer.pos) of \(outCount) bytes", offset)
                }
            }
        }
    }
}
