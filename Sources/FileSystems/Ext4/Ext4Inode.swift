import BlockIO

/// One on-disk inode, parsed field by field ("ext4 Data Structures and Algorithms", "Inode
/// Table"). uid/gid, size, the xattr block and i_blocks are joined from their halves here.
struct Ext4Inode: Sendable {
    let number: UInt32
    /// Device offset of the inode (for errors about its fields).
    let offset: UInt64
    let mode: UInt16
    let uid: UInt32
    let gid: UInt32
    let size: UInt64
    let modificationTime: Int64
    let linkCount: UInt16
    /// `i_blocks` in 512-byte units (or file system blocks with `EXT4_HUGE_FILE_FL`).
    let blockCount: UInt64
    let flags: Ext4InodeFlags
    /// The 60 bytes of `i_block`: extent root, block map, fast symlink or inline data.
    let blockArea: [UInt8]
    /// Block of the external extended attribute block, 0 when none.
    let xattrBlock: UInt64
    /// Bytes after `128 + i_extra_isize` up to the inode size: the in-inode xattrs.
    let extraArea: [UInt8]
    /// Device offset of `extraArea[0]`.
    let extraAreaOffset: UInt64

    var type: FileType { FileType(mode: UInt32(mode)) }
    static let blockAreaOffset: UInt64 = 0x28

    init(_ r: inout ByteReader, number: UInt32, largeDirectories: Bool) throws {
        self.number = number
        offset = r.offset
        let inodeSize = r.remaining
        mode = try r.u16le()  // 0x00 i_mode
        let uidLo = try r.u16le()  // 0x02 i_uid
        let sizeLo = try r.u32le()  // 0x04 i_size_lo
        try r.skip(8)  // 0x08 i_atime, 0x0C i_ctime
        let mtime = try r.u32le()  // 0x10 i_mtime
        try r.skip(4)  // 0x14 i_dtime
        let gidLo = try r.u16le()  // 0x18 i_gid
        linkCount = try r.u16le()  // 0x1A i_links_count
        let blocksLo = try r.u32le()  // 0x1C i_blocks_lo
        flags = Ext4InodeFlags(rawValue: try r.u32le())  // 0x20 i_flags
        try r.skip(4)  // 0x24 osd1
        blockArea = try r.bytes(60)  // 0x28 i_block[15]
        try r.skip(4)  // 0x64 i_generation
        let aclLo = try r.u32le()  // 0x68 i_file_acl_lo
        let sizeHi = try r.u32le()  // 0x6C i_size_high
        try r.skip(4)  // 0x70 i_obso_faddr
        let blocksHi = try r.u16le()  // 0x74 l_i_blocks_high
        let aclHi = try r.u16le()  // 0x76 l_i_file_acl_high
        let uidHi = try r.u16le()  // 0x78 l_i_uid_high
        let gidHi = try r.u16le()  // 0x7A l_i_gid_high
        try r.skip(4)  // 0x7C l_i_checksum_lo, l_i_reserved
        uid = UInt32(uidHi) << 16 | UInt32(uidLo)
        gid = UInt32(gidHi) << 16 | UInt32(gidLo)
        blockCount = UInt64(blocksHi) << 32 | UInt64(blocksLo)
        xattrBlock = UInt64(aclHi) << 32 | UInt64(aclLo)
        // The high half of the size is i_dir_acl for directories without large_dir (kernel's ext4_isize).
        let isRegular = mode & 0o170000 == 0o100000
        size = isRegular || largeDirectories ? UInt64(sizeHi) << 32 | UInt64(sizeLo) : UInt64(sizeLo)

        var seconds = Int64(Int32(bitPattern: mtime))
        var extraSize = 0
        if inodeSize > 128 {
            extraSize = Int(try r.u16le())  // 0x80 i_extra_isize
            guard extraSize <= inodeSize - 128, extraSize & 3 == 0 else {
                throw ImageError(r.layer, .corrupt, "inode \(number): i_extra_isize \(extraSize)", at: offset + 0x80)
            }
            if extraSize >= 0x8C - 0x80 {
                try r.seek(to: 0x88)
                let mtimeExtra = try r.u32le()  // 0x88 i_mtime_extra: epoch bits 0-1, nanoseconds above
                seconds += Int64(mtimeExtra & 3) << 32
            }
        }
        modificationTime = seconds
        let extraStart = inodeSize > 128 ? 128 + extraSize : inodeSize
        try r.seek(to: extraStart)
        extraAreaOffset = r.offset
        extraArea = try r.bytes(r.remaining)
    }

    /// Device offset of byte `i` of `i_block`.
    func blockAreaOffset(_ i: Int) -> UInt64 { offset + Self.blockAreaOffset + UInt64(i) }
}
