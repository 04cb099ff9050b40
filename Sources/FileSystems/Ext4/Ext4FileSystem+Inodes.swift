import BlockIO

/// Bounded caches of parsed structures (behind the file system's `Mutex`).
struct Ext4Cache {
    static let maxDescriptors = 4096
    static let maxInodes = 2048
    /// Directory entries kept in total over all cached directories (a directory with more is not kept).
    static let maxDirectoryEntries = 200_000
    /// Extent and indirect blocks kept.
    static let maxBlocks = 64

    var descriptors = BoundedCache<UInt32, Ext4GroupDescriptor>(countLimit: maxDescriptors)
    var inodes = BoundedCache<UInt32, Ext4Inode>(countLimit: maxInodes)
    var directories = BoundedCache<UInt32, Ext4Directory>(
        countLimit: maxDirectoryEntries, costLimit: maxDirectoryEntries)
    var blocks = BoundedCache<UInt64, [UInt8]>(countLimit: maxBlocks)
}

extension Ext4FileSystem {
    /// Groups whose first block holds a superblock backup (and so a descriptor copy).
    func groupHasSuperblock(_ group: UInt32) -> Bool {
        guard superblock.roCompat.contains(.sparseSuper), group > 1 else { return true }
        for base: UInt32 in [3, 5, 7] {
            var p: UInt32 = base
            while p < group {
                let (next, overflow) = p.multipliedReportingOverflow(by: base)
                if overflow { break }
                p = next
            }
            if p == group { return true }
        }
        return false
    }

    /// First block of a group.
    func groupFirstBlock(_ group: UInt32) -> UInt64 {
        UInt64(superblock.firstDataBlock) + UInt64(group) * UInt64(superblock.blocksPerGroup)
    }

    var descriptorsPerBlock: UInt32 { UInt32(blockSize / superblock.descriptorSize) }

    /// Checks that the contiguous part of the descriptor table lies inside the device and the
    /// file system (a damaged group count or a cut image is found at open, not later).
    func checkDescriptorTable() throws {
        let sb = superblock
        let perBlock = UInt64(descriptorsPerBlock)
        var tableBlocks = (UInt64(sb.groupCount) + perBlock - 1) / perBlock
        if sb.incompat.contains(.metaBlockGroups) {
            guard sb.firstMetaBlockGroup <= tableBlocks else {
                throw ImageError(
                    Self.layer, .corrupt, "first meta block group \(sb.firstMetaBlockGroup) of \(tableBlocks)",
                    at: Ext4Superblock.offset + 0x104)
            }
            tableBlocks = UInt64(sb.firstMetaBlockGroup)
        }
        let start = UInt64(sb.firstDataBlock) + 1
        let end = start + tableBlocks
        let endByte = end * UInt64(blockSize)
        guard end <= sb.blocksCount, endByte <= device.size else {
            throw ImageError(
                Self.layer, .truncated,
                "group descriptor table (blocks \(start)..<\(end)) is past the end of the file system or device",
                at: start * UInt64(blockSize))
        }
    }

    /// Device offset of the descriptor of `group`, after the table layout (classic or meta_bg).
    func descriptorOffset(_ group: UInt32) throws -> UInt64 {
        let sb = superblock
        let perBlock = descriptorsPerBlock
        let metaGroup = group / perBlock
        let block: UInt64
        if sb.incompat.contains(.metaBlockGroups), metaGroup >= sb.firstMetaBlockGroup {
            let first = metaGroup * perBlock
            block = groupFirstBlock(first) + (groupHasSuperblock(first) ? 1 : 0)
        } else {
            block = UInt64(sb.firstDataBlock) + 1 + UInt64(metaGroup)
        }
        guard block < sb.blocksCount else {
            throw ImageError(
                Self.layer, .corrupt, "descriptor block \(block) of group \(group) is outside the file system",
                at: Ext4Superblock.offset)
        }
        return block * UInt64(blockSize) + UInt64(group % perBlock) * UInt64(sb.descriptorSize)
    }

    /// The descriptor of `group` (read on first use, then cached).
    func descriptor(_ group: UInt32) throws -> Ext4GroupDescriptor {
        if let hit = cache.withLock({ $0.descriptors[group] }) { return hit }
        let sb = superblock
        let at = try descriptorOffset(group)
        var r = try device.reader(at: at, count: sb.descriptorSize, layer: Self.layer)
        let tableBytes = UInt64(sb.inodesPerGroup) * UInt64(sb.inodeSize)
        let tableBlocks = (tableBytes + UInt64(blockSize) - 1) / UInt64(blockSize)
        let d = try Ext4GroupDescriptor(
            &r, size: sb.descriptorSize, blocksCount: sb.blocksCount, tableBlocks: tableBlocks)
        cache.withLock { $0.descriptors.insert(d, for: group) }
        return d
    }

    /// Inode `number` (1-based), read from its group's inode table on first use.
    func inode(_ number: UInt32, referencedAt: UInt64? = nil) throws -> Ext4Inode {
        guard number >= 1, number <= superblock.inodesCount else {
            throw ImageError(
                Self.layer, .corrupt, "inode number \(number) is outside 1...\(superblock.inodesCount)",
                at: referencedAt)
        }
        if let hit = cache.withLock({ $0.inodes[number] }) { return hit }
        let group = (number - 1) / superblock.inodesPerGroup
        let slot = (number - 1) % superblock.inodesPerGroup
        let d = try descriptor(group)
        let at = d.inodeTable * UInt64(blockSize) + UInt64(slot) * UInt64(superblock.inodeSize)
        var r = try device.reader(at: at, count: superblock.inodeSize, layer: Self.layer)
        if let seed = superblock.checksumSeed {
            try Ext4Checksum.verifyInode(r.bytes, number: number, seed: seed, at: at)
        }
        let node = try Ext4Inode(
            &r, number: number, largeDirectories: superblock.incompat.contains(.largeDirectories))
        if node.flags.contains(.encrypted) {
            throw ImageError(Self.layer, .unsupported, "inode \(number) is encrypted (fscrypt)", at: at + 0x20)
        }
        cache.withLock { $0.inodes.insert(node, for: node.number) }
        return node
    }
}
