// fuzz-modules: BlockIO Codecs FileSystems
// libFuzzer harness for the btrfs reader: superblock and sys_chunk_array, chunk items, tree
// blocks, btrfs's lzo segment framing, zlib/zstd caps, and a whole open + walk over an image.
//
// The first input byte picks the target; checksums are fixed up before parsing so the fuzzer gets
// past them into the structures behind. Every outcome other than a crash, a hang or an unbounded
// allocation is fine: errors are expected.

import BlockIO

@testable import FileSystems

private func withChecksum(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.count > 0x20 else { return bytes }
    var b = bytes
    let c = BtrfsCRC32C.checksum(b, from: 0x20)
    for i in 0..<4 { b[i] = UInt8(truncatingIfNeeded: c >> (8 * i)) }
    return b
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    let body = input.body
    switch input.selector % 6 {
    case 0:
        // Superblock with a valid checksum and magic: fields and the sys_chunk_array.
        var sb = padded(body, to: 4096)
        sb.replaceSubrange(0x40..<0x48, with: Array("_BHRfS_M".utf8))
        for i in 0..<8 { sb[0x30 + i] = UInt8(truncatingIfNeeded: UInt64(0x1_0000) >> (8 * i)) }
        if let s = try? BtrfsSuperblock(withChecksum(sb), at: 0x1_0000) {
            var map = BtrfsChunkMap(deviceID: s.deviceID, deviceSize: 1 << 30)
            for c in s.systemChunks { try? map.add(c) }
            _ = try? map.physical(s.chunkTree, count: UInt64(s.nodeSize), referencedAt: nil)
        }
    case 1:
        // A tree block (4 KiB node size) with a valid checksum.
        let fsid = [UInt8](repeating: 0, count: 16)
        var block = padded(body, to: 4096)
        block.replaceSubrange(0x20..<0x30, with: fsid)
        for i in 0..<8 { block[0x30 + i] = 0 }
        if let n = try? BtrfsNode(withChecksum(block), logical: 0, physical: 0, fsid: fsid) {
            for item in n.items {
                var r = n.reader(item)
                _ = try? BtrfsDirItem.all(r)
                _ = try? BtrfsFileExtent(&r)
                r = n.reader(item)
                _ = try? BtrfsInode(&r)
                r = n.reader(item)
                _ = try? BtrfsRootRef(&r)
            }
            _ = n.lastIndex(notAfter: BtrfsKey(256, 1, 0))
        }
    case 2:
        // btrfs lzo framing, output capped at 128 KiB.
        _ = try? BtrfsCompression.decompress(BtrfsCompression.lzo, Array(body), ramBytes: 128 << 10, at: 0)
    case 3:
        _ = try? BtrfsCompression.decompress(BtrfsCompression.zlib, Array(body), ramBytes: 128 << 10, at: 0)
    case 4:
        _ = try? BtrfsCompression.decompress(BtrfsCompression.zstd, Array(body), ramBytes: 128 << 10, at: 0)
    default:
        // A whole image: the input from 64 KiB on (the superblock, chunk and tree blocks behind it).
        // The superblock's magic, bytenr and checksum are made valid so the fuzzer reaches the
        // chunk tree, root tree and fs trees behind it.
        var sb = padded(body, to: 4096)
        sb.replaceSubrange(0x40..<0x48, with: Array("_BHRfS_M".utf8))
        for i in 0..<8 { sb[0x30 + i] = UInt8(truncatingIfNeeded: UInt64(0x1_0000) >> (8 * i)) }
        let image = [UInt8](repeating: 0, count: 0x1_0000) + withChecksum(sb) + Array(body.dropFirst(4096))
        guard let fs = try? BtrfsFileSystem(device: MemoryDevice(image)) else { return 0 }
        _ = try? fs.subvolumes()
        if let entries = try? fs.contents(ofDirectory: .root) {
            for e in entries.prefix(64) {
                guard let p = try? FSPath.root.appending(e.name) else { continue }
                _ = try? fs.attributes(of: p)
                _ = try? fs.contents(of: p, limit: 1 << 20)
                _ = try? fs.destination(ofSymbolicLink: p)
            }
        }
    }
    return 0
}
