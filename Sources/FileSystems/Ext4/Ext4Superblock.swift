import BlockIO

/// The ext2/3/4 superblock (1024 bytes at byte 1024 of the device), validated on parse.
///
/// Follows the kernel's "ext4 Data Structures and Algorithms", section "Super Block". Only the
/// fields the reader needs are kept; hi/lo halves are joined here, once.
struct Ext4Superblock: Sendable {
    static let offset: UInt64 = 1024
    static let size = 1024

    let inodesCount: UInt32
    let blocksCount: UInt64
    let firstDataBlock: UInt32
    let blockSize: Int
    let blocksPerGroup: UInt32
    let inodesPerGroup: UInt32
    let revision: UInt32
    let inodeSize: Int
    let compat: Ext4CompatFeatures
    let incompat: Ext4IncompatFeatures
    let roCompat: Ext4ROCompatFeatures
    let uuid: [UInt8]
    let volumeName: [UInt8]
    /// 32 without the `64bit` feature, else `s_desc_size` (64 or more, a power of two).
    let descriptorSize: Int
    let firstMetaBlockGroup: UInt32
    /// Number of block groups, derived from the block count and checked against the inode count.
    let groupCount: UInt32
    /// With `metadata_csum` on a Linux-made file system: the seed of every metadata checksum
    /// (`s_checksum_seed`, or the CRC32C of the UUID). nil when checksums are not verified.
    let checksumSeed: UInt32?

    init(_ r: inout ByteReader) throws {
        let layer = r.layer
        let base = r.offset
        inodesCount = try r.u32le()  // 0x00 s_inodes_count
        let blocksLo = try r.u32le()  // 0x04 s_blocks_count_lo
        try r.skip(8)  // 0x08 s_r_blocks_count_lo, s_free_blocks_count_lo
        try r.skip(4)  // 0x10 s_free_inodes_count
        firstDataBlock = try r.u32le()  // 0x14 s_first_data_block
        let logBlockSize = try r.u32le()  // 0x18 s_log_block_size
        try r.skip(4)  // 0x1C s_log_cluster_size
        blocksPerGroup = try r.u32le()  // 0x20 s_blocks_per_group
        try r.skip(4)  // 0x24 s_clusters_per_group
        inodesPerGroup = try r.u32le()  // 0x28 s_inodes_per_group
        try r.skip(12)  // 0x2C s_mtime, s_wtime, s_mnt_count, s_max_mnt_count
        try r.expect([0x53, 0xEF], "ext4 superblock")  // 0x38 s_magic 0xEF53
        try r.skip(6)  // 0x3A s_state, s_errors, s_minor_rev_level
        try r.skip(8)  // 0x40 s_lastcheck, s_checkinterval
        let creatorOS = try r.u32le()  // 0x48 s_creator_os (0: Linux)
        revision = try r.u32le()  // 0x4C s_rev_level
        try r.skip(4)  // 0x50 s_def_resuid, s_def_resgid
        try r.skip(4)  // 0x54 s_first_ino
        let rawInodeSize = try r.u16le()  // 0x58 s_inode_size
        try r.skip(2)  // 0x5A s_block_group_nr
        compat = Ext4CompatFeatures(rawValue: try r.u32le())  // 0x5C s_feature_compat
        incompat = Ext4IncompatFeatures(rawValue: try r.u32le())  // 0x60 s_feature_incompat
        roCompat = Ext4ROCompatFeatures(rawValue: try r.u32le())  // 0x64 s_feature_ro_compat
        uuid = try r.bytes(16)  // 0x68 s_uuid
        volumeName = try r.bytes(16)  // 0x78 s_volume_name
        try r.seek(to: 0xFE)
        let rawDescSize = try r.u16le()  // 0xFE s_desc_size
        try r.skip(4)  // 0x100 s_default_mount_opts
        firstMetaBlockGroup = try r.u32le()  // 0x104 s_first_meta_bg
        try r.seek(to: 0x150)
        let blocksHi = try r.u32le()  // 0x150 s_blocks_count_hi
        try r.seek(to: 0x270)
        let storedSeed = try r.u32le()  // 0x270 s_checksum_seed

        // Features first: an unknown incompatible feature means the rest may not mean what we think.
        let unknown = incompat.subtracting(.understood)
        guard unknown.isEmpty else {
            throw ImageError(
                layer, .unsupported, "incompatible features \(unknown.names) are not supported", at: base + 0x60)
        }
        guard logBlockSize <= 6 else {
            throw ImageError(layer, .unsupported, "block size 2^(10+\(logBlockSize))", at: base + 0x18)
        }
        blockSize = 1024 << Int(logBlockSize)
        blocksCount = incompat.contains(.is64Bit) ? UInt64(blocksHi) << 32 | UInt64(blocksLo) : UInt64(blocksLo)
        if revision == 0 {
            inodeSize = 128
        } else {
            inodeSize = Int(rawInodeSize)
            guard inodeSize >= 128, inodeSize <= blockSize, inodeSize & (inodeSize - 1) == 0 else {
                throw ImageError(layer, .corrupt, "inode size \(rawInodeSize)", at: base + 0x58)
            }
        }
        if incompat.contains(.is64Bit) {
            descriptorSize = Int(rawDescSize)
            guard descriptorSize >= 64, descriptorSize <= 1024, descriptorSize & (descriptorSize - 1) == 0 else {
                throw ImageError(layer, .corrupt, "group descriptor size \(rawDescSize)", at: base + 0xFE)
            }
        } else {
            descriptorSize = 32
        }
        guard !roCompat.contains(.bigalloc) else {
            throw ImageError(layer, .unsupported, "bigalloc (cluster allocation) is not supported", at: base + 0x64)
        }
        guard blocksPerGroup > 0, blocksPerGroup <= UInt32(blockSize) * 8 else {
            throw ImageError(layer, .corrupt, "blocks per group \(blocksPerGroup)", at: base + 0x20)
        }
        guard inodesPerGroup > 0, inodesPerGroup <= UInt32(blockSize) * 8 else {
            throw ImageError(layer, .corrupt, "inodes per group \(inodesPerGroup)", at: base + 0x28)
        }
        guard UInt64(firstDataBlock) < blocksCount, firstDataBlock == (blockSize == 1024 ? 1 : 0) || firstDataBlock == 0
        else {
            throw ImageError(layer, .corrupt, "first data block \(firstDataBlock)", at: base + 0x14)
        }
        // Rounded up without `+ blocksPerGroup - 1`, which overflows for a block count near 2^64.
        let dataBlocks = blocksCount - UInt64(firstDataBlock)
        let groups = dataBlocks / UInt64(blocksPerGroup) + (dataBlocks % UInt64(blocksPerGroup) == 0 ? 0 : 1)
        guard groups > 0, groups <= UInt64(UInt32.max),
            groups * UInt64(inodesPerGroup) >= UInt64(inodesCount), inodesCount >= 11
        else {
            throw ImageError(
                layer, .corrupt, "\(groups) groups of \(inodesPerGroup) inodes cannot hold \(inodesCount) inodes",
                at: base)
        }
        groupCount = UInt32(groups)
        // The kernel verifies metadata checksums only on file systems a Linux made.
        if roCompat.contains(.metadataChecksum), creatorOS == 0 {
            checksumSeed = incompat.contains(.checksumSeed) ? storedSeed : Ext4Checksum.crc32c(~0, uuid[...])
        } else {
            checksumSeed = nil
        }
    }

    /// `ext4`, `ext3` or `ext2`, decided from the features the way libblkid does.
    var typeName: String {
        let ext3Incompat: Ext4IncompatFeatures = [.fileType, .recover, .metaBlockGroups]
        let ext3ROCompat: Ext4ROCompatFeatures = [.sparseSuper, .largeFile, .btreeDir]
        let beyondExt3 = !incompat.subtracting(ext3Incompat).isEmpty || !roCompat.subtracting(ext3ROCompat).isEmpty
        if beyondExt3 { return "ext4" }
        if compat.contains(.hasJournal) { return "ext3" }
        return incompat.contains(.recover) ? "ext3" : "ext2"
    }

    /// The volume label up to its first NUL, nil when empty.
    var label: String? {
        let bytes = volumeName.prefix { $0 != 0 }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
