import BlockIO
import Codecs

/// Decompresses one qcow2 compressed cluster (qcow2 spec, "Compressed Clusters Descriptor"):
/// raw deflate with a 4 KiB window (compression type 0) or one zstd frame (type 1).
///
/// The output is exactly one cluster: a stream that ends early, or that would produce more than
/// a cluster, is `.corrupt`. The input may run on past the end of the stream (the descriptor
/// counts whole 512-byte sectors, and the next compressed cluster follows without a gap), and
/// may stop without the stream's end marker once the cluster is full, as qemu reads it.
enum QCOW2Decompressor {
    static func decompress(
        _ input: [UInt8], type: QCOW2Header.CompressionType, clusterSize: Int, at offset: UInt64
    ) throws -> [UInt8] {
        let output = OutputLimit.exactly(clusterSize, named: "the cluster size")
        switch type {
        case .deflate:
            // -12 in qemu's deflateInit2: raw deflate, 4 KiB window.
            return try Inflate.decode(
                input, wrapper: .raw(windowBits: 12), output: output, what: "compressed cluster", layer: "qcow2",
                offset: offset)
        case .zstd:
            return try Zstd.decode(input, output: output, what: "compressed cluster", layer: "qcow2", offset: offset)
        }
    }
}
