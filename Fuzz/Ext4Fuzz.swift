// fuzz-modules: BlockIO Codecs FileSystems
// libFuzzer harness for the ext2/3/4 reader: superblock, group descriptor, inodes, extent trees
// (index and leaf, unwritten extents), indirect block maps, linear and inline directories, xattrs,
// fast and slow symlinks.
//
// The first input byte picks the target: even, the rest of the input is a whole image; odd, a
// small valid template image (1 KiB blocks, 16 inodes) with the rest of the input applied as
// (offset hi, offset lo, byte) patches, so the fuzzer starts past the magic and reaches the
// inode, extent and directory parsers. Errors are expected; only a crash, a hang or an unbounded
// allocation is a finding.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(FileSystems)
    @testable import FileSystems
#endif

private func dirent(_ b: inout [UInt8], _ at: Int, inode: UInt32, recordLength: Int, name: String, type: UInt8) {
    putLE(&b, at, UInt64(inode), 4)
    putLE(&b, at + 4, UInt64(recordLength), 2)
    b[at + 6] = UInt8(name.utf8.count)
    b[at + 7] = type
    b.replaceSubrange(at + 8..<at + 8 + name.utf8.count, with: Array(name.utf8))
}

/// 64 blocks of 1 KiB: superblock in block 1, descriptors in block 2, inode table in blocks 5-8,
/// root directory in block 10, a depth-2 extent tree for /file (index block 11, leaf block 12), data
/// from block 20, an indirect-mapped /old (blocks 31-33), a slow symlink (block 40) and an inline
/// directory /dir with its `system.data` xattr.
private func template() -> [UInt8] {
    let bs = 1024
    var b = [UInt8](repeating: 0, count: 64 * bs)
    let sb = 1024
    putLE(&b, sb + 0x00, 16, 4)  // s_inodes_count
    putLE(&b, sb + 0x04, 64, 4)  // s_blocks_count_lo
    putLE(&b, sb + 0x14, 1, 4)  // s_first_data_block
    putLE(&b, sb + 0x20, 8192, 4)  // s_blocks_per_group
    putLE(&b, sb + 0x28, 16, 4)  // s_inodes_per_group
    putLE(&b, sb + 0x38, 0xEF53, 2)
    putLE(&b, sb + 0x4C, 1, 4)  // s_rev_level
    putLE(&b, sb + 0x58, 256, 2)  // s_inode_size
    putLE(&b, sb + 0x60, 0x2 | 0x40 | 0x8000, 4)  // filetype, extent, inline_data
    putLE(&b, 2 * bs + 0x08, 5, 4)  // bg_inode_table_lo
    func inode(_ n: Int) -> Int { 5 * bs + (n - 1) * 256 }
    func setInode(_ n: Int, mode: UInt64, size: UInt64, flags: UInt64) {
        putLE(&b, inode(n), mode, 2)
        putLE(&b, inode(n) + 0x04, size, 4)
        putLE(&b, inode(n) + 0x1A, 1, 2)
        putLE(&b, inode(n) + 0x20, flags, 4)
        putLE(&b, inode(n) + 0x80, 32, 2)  // i_extra_isize
    }
    func extentHeader(_ at: Int, entries: UInt64, max: UInt64, depth: UInt64) {
        putLE(&b, at, 0xF30A, 2)
        putLE(&b, at + 2, entries, 2)
        putLE(&b, at + 4, max, 2)
        putLE(&b, at + 6, depth, 2)
    }
    // Root (2): one block, extent-mapped.
    setInode(2, mode: 0o040755, size: UInt64(bs), flags: 0x80000)
    extentHeader(inode(2) + 0x28, entries: 1, max: 4, depth: 0)
    putLE(&b, inode(2) + 0x28 + 12, 0, 4)
    putLE(&b, inode(2) + 0x28 + 16, 1, 2)
    putLE(&b, inode(2) + 0x28 + 20, 10, 4)
    var p = 10 * bs
    let names: [(String, UInt32, UInt8)] = [
        (".", 2, 2), ("..", 2, 2), ("file", 12, 1), ("link", 13, 7), ("dir", 14, 2), ("old", 15, 1), ("slow", 16, 7),
    ]
    for (i, (name, ino, type)) in names.enumerated() {
        let length = i == names.count - 1 ? 11 * bs - p : 16
        dirent(&b, p, inode: ino, recordLength: length, name: name, type: type)
        p += length
    }
    // /file (12): depth-2 tree: root -> index block 11 -> leaf block 12 -> data 20-21, unwritten 22.
    setInode(12, mode: 0o100644, size: UInt64(5 * bs), flags: 0x80000)
    extentHeader(inode(12) + 0x28, entries: 1, max: 4, depth: 2)
    putLE(&b, inode(12) + 0x28 + 16, 11, 4)
    extentHeader(11 * bs, entries: 1, max: 84, depth: 1)
    putLE(&b, 11 * bs + 16, 12, 4)
    extentHeader(12 * bs, entries: 2, max: 84, depth: 0)
    putLE(&b, 12 * bs + 12, 0, 4)
    putLE(&b, 12 * bs + 16, 2, 2)
    putLE(&b, 12 * bs + 20, 20, 4)
    putLE(&b, 12 * bs + 24, 3, 4)
    putLE(&b, 12 * bs + 28, 32768 + 1, 2)
    putLE(&b, 12 * bs + 32, 22, 4)
    for i in 0..<(3 * bs) { b[20 * bs + i] = UInt8(truncatingIfNeeded: i) }
    // /link (13): fast symlink.
    setInode(13, mode: 0o120777, size: 4, flags: 0)
    b.replaceSubrange(inode(13) + 0x28..<inode(13) + 0x2C, with: Array("file".utf8))
    // /dir (14): inline directory, records in i_block and in system.data.
    setInode(14, mode: 0o040755, size: 60 + 16, flags: 0x1000_0000)
    putLE(&b, inode(14) + 0x28, 2, 4)
    dirent(&b, inode(14) + 0x28 + 4, inode: 12, recordLength: 56, name: "inner", type: 1)
    let xattr = inode(14) + 128 + 32
    putLE(&b, xattr, 0xEA02_0000, 4)
    b[xattr + 4] = 4  // e_name_len
    b[xattr + 5] = 7  // system.
    putLE(&b, xattr + 4 + 2, 64, 2)  // e_value_offs
    putLE(&b, xattr + 4 + 8, 16, 4)  // e_value_size
    b.replaceSubrange(xattr + 4 + 16..<xattr + 4 + 20, with: Array("data".utf8))
    dirent(&b, xattr + 4 + 64, inode: 13, recordLength: 16, name: "more", type: 7)
    // /old (15): block map: direct 31, single indirect 32 -> 33.
    setInode(15, mode: 0o100644, size: UInt64(13 * bs), flags: 0)
    putLE(&b, inode(15) + 0x28, 31, 4)
    putLE(&b, inode(15) + 0x28 + 48, 32, 4)
    putLE(&b, 32 * bs, 33, 4)
    // /slow (16): 100-byte target in extent-mapped block 40.
    setInode(16, mode: 0o120777, size: 100, flags: 0x80000)
    putLE(&b, inode(16) + 0x1C, 2, 4)
    extentHeader(inode(16) + 0x28, entries: 1, max: 4, depth: 0)
    putLE(&b, inode(16) + 0x28 + 16, 1, 2)
    putLE(&b, inode(16) + 0x28 + 20, 40, 4)
    for i in 0..<100 { b[40 * bs + i] = 0x61 + UInt8(i % 26) }
    return b
}

private let image = template()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    fuzzBlockFileSystem(Ext4FileSystem.self, input, template: image, minimumSize: 2048, readAt: 1000, count: 3000)
    return 0
}
