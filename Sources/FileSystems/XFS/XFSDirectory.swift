import BlockIO

/// The names of one directory, parsed from its shortform fork or its data blocks.
struct XFSDirectory: Sendable {
    struct Entry: Sendable {
        let inode: UInt64
        /// Device offset of the entry, to name it when its inode number is bad.
        let offset: UInt64
        /// From the entry's ftype byte; nil when the file system has none (read the inode).
        let type: FileType?
    }
    var entries: [String: Entry] = [:]

    mutating func add(_ name: [UInt8], inode: UInt64, type: FileType?, at offset: UInt64) throws(ImageError) {
        guard entries.count < XFS.maximumDirectoryEntries else {
            throw ImageError(
                XFS.layer, .limitExceeded, "directory with more than \(XFS.maximumDirectoryEntries) entries", at: offset
            )
        }
        if name == [0x2E] || name == [0x2E, 0x2E] { return }
        guard !name.contains(0), !name.contains(0x2F) else {
            throw ImageError(XFS.layer, .corrupt, "directory entry name with '/' or NUL", at: offset)
        }
        let s = String(decoding: name, as: UTF8.self)
        if entries[s] == nil { entries[s] = Entry(inode: inode, offset: offset, type: type) }
    }

    /// Parses a shortform directory (`xfs_dir2_sf_hdr` + entries) from the inode's local fork.
    init(shortform inode: XFSInode, hasFileType: Bool) throws(ImageError) {
        let fork = Array(inode.dataFork.prefix(Int(inode.size)))
        var r = ByteReader(fork, layer: XFS.layer, base: inode.dataForkOffset)
        func fail(_ detail: String) -> ImageError {
            ImageError(XFS.layer, .corrupt, "inode \(inode.number): shortform directory \(detail)", at: r.offset)
        }
        guard fork.count >= 6 else { throw fail("of \(fork.count) bytes") }
        let count = Int(try r.u8())  // 0x00 count
        let wideCount = try r.u8()  // 0x01 i8count: entries needing 8-byte inode numbers
        guard Int(wideCount) <= count else { throw fail("i8count \(wideCount) above count \(count)") }
        let width = wideCount > 0 ? 8 : 4
        _ = width == 8 ? try r.u64be() : UInt64(try r.u32be())  // 0x02 parent
        for i in 0..<count {
            let at = r.offset
            guard r.remaining >= 3 else { throw fail("entry \(i) of \(count) starts past the fork") }
            let length = Int(try r.u8())  // namelen
            _ = try r.u16be()  // offset (the entry's place in the block form, for readdir cookies)
            guard length > 0, r.remaining >= length + (hasFileType ? 1 : 0) + width else {
                throw fail("entry \(i) of \(count) runs past the fork")
            }
            let name = try r.bytes(length)
            let type = hasFileType ? FileType(directoryEntryType: try r.u8()) : nil
            let number = width == 8 ? try r.u64be() : UInt64(try r.u32be())
            try add(name, inode: number, type: type, at: at)
        }
    }

    init() {}
}

extension XFSFileSystem {
    /// The parsed directory `inode` (cached).
    func directory(_ inode: XFSInode) throws -> XFSDirectory {
        if let hit = directoryCache.withLock({ $0[inode.number] }) { return hit }
        let dir: XFSDirectory
        switch inode.format {
        case .local: dir = try XFSDirectory(shortform: inode, hasFileType: superblock.hasFileType)
        case .extents, .btree: dir = try blockDirectory(inode)
        case .device:
            throw ImageError(
                XFS.layer, .corrupt, "inode \(inode.number): directory with a device fork", at: inode.dataForkOffset)
        }
        directoryCache.withLock { $0.insert(dir, for: inode.number, cost: dir.entries.count + 1) }
        return dir
    }

    /// Reads every directory block of the data space (below 32 GiB) and collects its entries; the
    /// leaf and free-index blocks above are only indexes of the same names.
    private func blockDirectory(_ inode: XFSInode) throws -> XFSDirectory {
        let extents = try extents(of: inode)
        let blockLog = UInt64(superblock.blockLog)
        let perDirBlockLog = UInt64(superblock.directoryBlockLog)
        // di_size of a block/leaf/node directory is the end of its data space.
        let dataEnd = min(inode.size, XFS.directoryLeafOffset) >> blockLog
        var dir = XFSDirectory()
        var lastDirBlock: UInt64?
        var blocksRead = 0
        for e in extents where e.logicalBlock < dataEnd {
            var first = e.logicalBlock >> perDirBlockLog
            let last = (min(e.logicalEnd, dataEnd) - 1) >> perDirBlockLog
            if let lastDirBlock, first <= lastDirBlock { first = lastDirBlock + 1 }
            guard first <= last else { continue }
            for d in first...last {
                blocksRead += 1
                guard blocksRead <= 1 << 20 else {
                    throw ImageError(
                        XFS.layer, .limitExceeded, "inode \(inode.number): too many directory blocks",
                        at: inode.dataForkOffset)
                }
                let (bytes, offset) = try directoryBlock(d, of: inode, extents: extents)
                try parseDirectoryBlock(bytes, offset: offset, index: d, inode: inode, into: &dir)
            }
            lastDirBlock = last
        }
        return dir
    }

    /// The extent mapping logical block `block`, by binary search (extents are sorted, disjoint).
    static func extent(containing block: UInt64, in extents: [XFSExtent]) -> XFSExtent? {
        var lo = 0
        var hi = extents.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if extents[mid].logicalEnd <= block { lo = mid + 1 } else { hi = mid }
        }
        guard lo < extents.count, extents[lo].logicalBlock <= block else { return nil }
        return extents[lo]
    }

    /// The bytes of directory block `index` (`1 << dirblklog` file system blocks, possibly in
    /// several extents) and the device offset of its first byte.
    func directoryBlock(_ index: UInt64, of inode: XFSInode, extents: [XFSExtent]) throws -> ([UInt8], UInt64) {
        let perDirBlock = UInt64(1) << superblock.directoryBlockLog
        let blockSize = Int(superblock.blockSize)
        var out: [UInt8] = []
        out.reserveCapacity(superblock.directoryBlockSize)
        var firstOffset: UInt64 = 0
        var logical = index * perDirBlock
        while logical < (index + 1) * perDirBlock {
            guard let e = Self.extent(containing: logical, in: extents), !e.isUnwritten else {
                throw ImageError(
                    XFS.layer, .corrupt, "inode \(inode.number): directory block \(index) is not fully mapped",
                    at: inode.dataForkOffset)
            }
            let run = min(e.logicalEnd, (index + 1) * perDirBlock) - logical
            let offset = e.deviceOffset + (logical - e.logicalBlock) << UInt64(superblock.blockLog)
            if out.isEmpty { firstOffset = offset }
            out += try metadata.read(at: offset, count: Int(run) * blockSize, layer: XFS.layer)
            logical += run
        }
        return (out, firstOffset)
    }

    /// A big-endian 16-bit value at `position` of `r`, without moving it.
    private func u16be(_ r: ByteReader, at position: Int) throws -> UInt16 {
        var c = r
        try c.seek(to: position)
        return try c.u16be()
    }

    /// Parses one data block ("XD2B"/"XDB3" block form or "XD2D"/"XDD3" data block).
    func parseDirectoryBlock(
        _ bytes: [UInt8], offset: UInt64, index: UInt64, inode: XFSInode, into dir: inout XFSDirectory
    ) throws {
        let v5 = superblock.isV5
        var r = ByteReader(bytes, layer: XFS.layer, base: offset)
        let magic = try r.u32be()  // 0x00 magic
        let blockMagic: UInt32 = v5 ? 0x5844_4233 : 0x5844_3242  // "XDB3" / "XD2B"
        let dataMagic: UInt32 = v5 ? 0x5844_4433 : 0x5844_3244  // "XDD3" / "XD2D"
        guard magic == dataMagic || (magic == blockMagic && index == 0) else {
            throw ImageError(
                XFS.layer, .badMagic, "inode \(inode.number): bad directory data block magic (block \(index))",
                at: offset)
        }
        if v5 {
            try checkV5Header(
                bytes, offset: offset, crcAt: 0x04, blknoAt: 0x08, uuidAt: 0x18, ownerAt: 0x28,
                owner: inode.number, what: "directory block")
        }
        let header = v5 ? 64 : 16
        var end = bytes.count
        if magic == blockMagic {
            // Block form: leaf entries (8 bytes each) and a tail {count, stale} end the block.
            let count = Int(try r.u32be(at: bytes.count - 8))
            guard count <= (bytes.count - header - 8) / 8 else {
                throw ImageError(
                    XFS.layer, .corrupt, "inode \(inode.number): block directory with \(count) leaf entries",
                    at: offset + UInt64(bytes.count - 8))
            }
            end = bytes.count - 8 - count * 8
        }
        let hasFileType = superblock.hasFileType
        var pos = header
        while pos < end {
            let at = offset + UInt64(pos)
            if try u16be(r, at: pos) == 0xFFFF {
                // Unused space: freetag, length, …, tag.
                let length = Int(try u16be(r, at: pos + 2))
                guard length >= 8, length % 8 == 0, pos + length <= end else {
                    throw ImageError(
                        XFS.layer, .corrupt, "inode \(inode.number): free space of \(length) bytes", at: at)
                }
                pos += length
                continue
            }
            try r.seek(to: pos)
            let number = try r.u64be()  // inumber
            let length = Int(try r.u8())  // namelen
            let entrySize = (8 + 1 + length + (hasFileType ? 1 : 0) + 2 + 7) & ~7
            guard length > 0, pos + entrySize <= end else {
                throw ImageError(
                    XFS.layer, .corrupt, "inode \(inode.number): directory entry of \(length) bytes", at: at)
            }
            let name = try r.bytes(length)
            let type = hasFileType ? FileType(directoryEntryType: try r.u8()) : nil
            try dir.add(name, inode: number, type: type, at: at)
            pos += entrySize
        }
    }
}
