// fuzz-modules: BlockIO Codecs DiskFormats
// libFuzzer harness for the qcow2 reader: header, header extensions, L1/L2 mapping (standard and
// extended entries), compressed clusters (deflate and zstd) and the decompressors themselves.
//
// The first input byte picks the target: 0 the input is a whole image file; 1 and 2 a valid
// template image (standard L2 + deflate, extended L2 + zstd) with the rest of the input applied as
// (offset, byte) patches, so the fuzzer starts past the magic and the L1 table; 3 the
// decompressors on the raw input. Errors are expected; only a crash, a hang or an unbounded
// allocation is a finding. Backing files resolve in a folder that does not exist.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(DiskFormats)
    @testable import DiskFormats
#endif

/// 4 KiB clusters, 1 MiB virtual: header + extensions, L1 at cluster 1, L2 at cluster 2, a data
/// cluster, a zero cluster, a compressed cluster (a stored deflate block or a raw zstd frame).
private func template(extended: Bool) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 7 * 4096)
    b.replaceSubrange(0..<4, with: [0x51, 0x46, 0x49, 0xFB])
    putBE(&b, 0x04, 3, 4)
    putBE(&b, 0x14, extended ? 14 : 12, 4)
    putBE(&b, 0x18, 1 << 20, 8)
    putBE(&b, 0x24, 1, 4)
    let cluster = extended ? 16384 : 4096
    if extended { b += [UInt8](repeating: 0, count: 7 * 16384 - b.count) }
    putBE(&b, 0x28, UInt64(cluster), 8)
    putBE(&b, 0x48, extended ? (1 << 4 | 1 << 3) : 0, 8)
    putBE(&b, 0x60, 4, 4)
    putBE(&b, 0x64, 112, 4)
    b[0x68] = extended ? 1 : 0
    // Extensions: a feature name table entry, then the end marker.
    putBE(&b, 112, 0x6803_F857, 4)
    putBE(&b, 116, 48, 4)
    b.replaceSubrange(122..<127, with: Array("dirty".utf8))
    putBE(&b, cluster, UInt64(2 * cluster), 8)
    let l2 = 2 * cluster
    let entry = extended ? 16 : 8
    putBE(&b, l2, UInt64(3 * cluster), 8)  // data cluster
    if extended { putBE(&b, l2 + 8, 0x0000_FFFF_FFFF_0000, 8) } else { putBE(&b, l2 + entry, 1, 8) }
    for i in 0..<cluster { b[3 * cluster + i] = UInt8(truncatingIfNeeded: i) }
    let payload = [UInt8](repeating: 0x5A, count: cluster)
    let stream: [UInt8]
    if extended {
        let fcs = UInt16(cluster - 256)
        let block = UInt32(1) | UInt32(cluster) << 3
        stream =
            [
                0x28, 0xB5, 0x2F, 0xFD, 0x60, UInt8(fcs & 0xFF), UInt8(fcs >> 8),
                UInt8(block & 0xFF), UInt8((block >> 8) & 0xFF), UInt8(block >> 16),
            ] + payload
    } else {
        let n = UInt16(cluster)
        stream = [0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + payload
    }
    let at = 4 * cluster
    b.replaceSubrange(at..<at + stream.count, with: stream)
    let bits = UInt64(extended ? 14 : 12)
    let shift = 62 - (bits - 8)
    let sectors = UInt64((stream.count + 511) / 512)
    putBE(&b, l2 + 2 * entry, 1 << 62 | (sectors - 1) << shift | UInt64(at), 8)
    return b
}

private let templates = [template(extended: false), template(extended: true)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    let context = OpenContext(directory: "/nonexistent-imagegate-fuzz")
    let target = Int(input.selector % 4)
    guard target < 3 else {
        for type in [QCOW2Header.CompressionType.deflate, .zstd] {
            _ = try? QCOW2Decompressor.decompress(input.body, type: type, clusterSize: 4096, at: 0)
        }
        return 0
    }
    let image = target == 0 ? input.body : patched(templates[target - 1], with: input.body)
    if let disk = try? QCOW2Format.open(MemoryDevice(image), path: context.directory + "/x.qcow2", context: context) {
        exercise(disk.device, offsets: [4096, 8192 + 512])
    }
    return 0
}
