import BlockIO

// The extent map of a fork: its records in the inode (extents format) or the leaves of a bmbt
// whose root is in the inode (btree format). "XFS Algorithms & Data Structures", "B+tree Extent List".

extension XFSFileSystem {
    /// Header of a long-format btree block: v4 "BMAP" 24 bytes, v5 "BMA3" 72 bytes.
    var bmbtHeaderSize: Int { superblock.isV5 ? 72 : 24 }

    /// Every extent of `inode`'s data fork, sorted and checked to not overlap (cached).
    func extents(of inode: XFSInode) throws -> [XFSExtent] {
        if let hit = extentCache.withLock({ $0[inode.number] }) { return hit }
        guard inode.dataExtentCount <= UInt64(XFS.maximumExtents) else {
            throw ImageError(
                XFS.layer, .limitExceeded, "inode \(inode.number): \(inode.dataExtentCount) extents",
                at: inode.dataForkOffset)
        }
        var out: [XFSExtent] = []
        switch inode.format {
        case .extents:
            var r = ByteReader(inode.dataFork, layer: XFS.layer, base: inode.dataForkOffset)
            out.reserveCapacity(Int(inode.dataExtentCount))
            for _ in 0..<inode.dataExtentCount { out.append(try XFSExtent(&r, superblock: superblock)) }
        case .btree:
            out = try btreeExtents(of: inode)
        case .local, .device:
            return []
        }
        try checkOrder(out, inode: inode)
        extentCache.withLock { $0.insert(out, for: inode.number, cost: out.count + 1) }
        return out
    }

    private func checkOrder(_ extents: [XFSExtent], inode: XFSInode) throws {
        var end: UInt64 = 0
        for e in extents {
            guard e.logicalBlock >= end else {
                throw ImageError(
                    XFS.layer, .corrupt,
                    "inode \(inode.number): extents overlap or are out of order at block \(e.logicalBlock)",
                    at: inode.dataForkOffset)
            }
            end = e.logicalEnd
        }
    }

    /// Walks the bmbt from the root in the inode (`xfs_bmdr_block`: level, numrecs, keys, ptrs).
    private func btreeExtents(of inode: XFSInode) throws -> [XFSExtent] {
        var r = ByteReader(inode.dataFork, layer: XFS.layer, base: inode.dataForkOffset)
        let level = try r.u16be()  // 0x00 bb_level
        let count = try r.u16be()  // 0x02 bb_numrecs
        let maxRecords = (inode.dataFork.count - 4) / 16
        guard level >= 1, Int(level) <= XFS.maximumBtreeDepth, count >= 1, Int(count) <= maxRecords else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(inode.number): bmbt root level \(level) with \(count) records",
                at: inode.dataForkOffset)
        }
        let pointers = try childPointers(r, keysAt: 4, maxRecords: maxRecords, count: Int(count))
        var state = WalkState(inode: inode, expected: inode.dataExtentCount)
        for p in pointers { try walk(p, level: Int(level) - 1, state: &state) }
        guard UInt64(state.extents.count) == inode.dataExtentCount else {
            throw ImageError(
                XFS.layer, .corrupt,
                "inode \(inode.number): bmbt holds \(state.extents.count) extents, inode says \(inode.dataExtentCount)",
                at: inode.dataForkOffset)
        }
        return state.extents
    }

    private struct WalkState {
        let inode: XFSInode
        let expected: UInt64
        var extents: [XFSExtent] = []
        var visited: Set<UInt64> = []
    }

    /// The pointers of a node (keys first, pointers after `maxRecords` key slots).
    private func childPointers(_ r: ByteReader, keysAt: Int, maxRecords: Int, count: Int) throws -> [(UInt64, UInt64)] {
        var out: [(UInt64, UInt64)] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let pointer = try r.u64be(at: keysAt + maxRecords * 8 + i * 8)
            out.append((pointer, r.base + UInt64(keysAt + maxRecords * 8 + i * 8)))
        }
        return out
    }

    private func walk(_ pointer: (UInt64, UInt64), level: Int, state: inout WalkState) throws {
        let (fsBlock, at) = pointer
        let block = try superblock.deviceBlock(ofFSBlock: fsBlock, at: at)
        guard state.visited.insert(block).inserted else {
            throw ImageError(
                XFS.layer, .loop, "inode \(state.inode.number): bmbt block \(fsBlock) reached twice", at: at)
        }
        guard state.visited.count <= XFS.maximumExtents / 8 else {
            throw ImageError(XFS.layer, .limitExceeded, "inode \(state.inode.number): bmbt too large", at: at)
        }
        let offset = block << superblock.blockLog
        let bytes = try metadata.read(at: offset, count: Int(superblock.blockSize), layer: XFS.layer)
        var r = ByteReader(bytes, layer: XFS.layer, base: offset)
        let magic = try r.u32be()  // 0x00 bb_magic
        let expectedMagic: UInt32 = superblock.isV5 ? 0x424D_4133 : 0x424D_4150  // "BMA3" / "BMAP"
        guard magic == expectedMagic else {
            throw ImageError(XFS.layer, .badMagic, "inode \(state.inode.number): bad bmbt block magic", at: offset)
        }
        let blockLevel = try r.u16be()  // 0x04 bb_level
        let count = Int(try r.u16be())  // 0x06 bb_numrecs
        _ = try r.u64be()  // 0x08 bb_leftsib
        _ = try r.u64be()  // 0x10 bb_rightsib
        if superblock.isV5 {
            try checkV5Header(
                bytes, offset: offset, crcAt: 0x40, blknoAt: 0x18, uuidAt: 0x28, ownerAt: 0x38,
                owner: state.inode.number, what: "bmbt block")
        }
        guard Int(blockLevel) == level else {
            throw ImageError(
                XFS.layer, .corrupt,
                "inode \(state.inode.number): bmbt block at level \(blockLevel), expected \(level)",
                at: offset + 4)
        }
        let maxRecords = (bytes.count - bmbtHeaderSize) / 16
        guard count >= 1, count <= maxRecords else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(state.inode.number): bmbt block with \(count) records", at: offset + 6)
        }
        if level == 0 {
            guard UInt64(state.extents.count + count) <= state.expected else {
                throw ImageError(
                    XFS.layer, .corrupt, "inode \(state.inode.number): bmbt holds more extents than the inode says",
                    at: offset)
            }
            try r.seek(to: bmbtHeaderSize)
            for _ in 0..<count { state.extents.append(try XFSExtent(&r, superblock: superblock)) }
        } else {
            for p in try childPointers(r, keysAt: bmbtHeaderSize, maxRecords: maxRecords, count: count) {
                try walk(p, level: level - 1, state: &state)
            }
        }
    }

    /// Checks the self-describing header of a v5 metadata block: checksum, its own address
    /// (in 512-byte units), the file system's metadata UUID and the owning inode.
    func checkV5Header(
        _ bytes: [UInt8], offset: UInt64, crcAt: Int, blknoAt: Int, uuidAt: Int, ownerAt: Int?, owner: UInt64,
        what: String
    ) throws {
        let r = ByteReader(bytes, layer: XFS.layer, base: offset)
        guard XFSChecksum.verify(bytes, field: crcAt) else {
            throw ImageError(XFS.layer, .corrupt, "\(what) checksum mismatch", at: offset + UInt64(crcAt))
        }
        let blkno = try r.u64be(at: blknoAt)
        guard blkno == offset >> 9 else {
            throw ImageError(
                XFS.layer, .corrupt, "\(what) claims to be at sector \(blkno)", at: offset + UInt64(blknoAt))
        }
        var u = r
        try u.seek(to: uuidAt)
        guard try u.bytes(16) == superblock.metadataUUID else {
            throw ImageError(
                XFS.layer, .corrupt, "\(what) belongs to another file system (uuid)", at: offset + UInt64(uuidAt))
        }
        if let ownerAt {
            let stamped = try r.u64be(at: ownerAt)
            guard stamped == owner else {
                throw ImageError(
                    XFS.layer, .corrupt, "\(what) owned by inode \(stamped), not \(owner)", at: offset + UInt64(ownerAt)
                )
            }
        }
    }
}
