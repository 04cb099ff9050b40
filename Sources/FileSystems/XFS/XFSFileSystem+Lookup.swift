import BlockIO

// Looking one name up in a leaf or node directory through its hash index, reading a few blocks
// instead of every data block: the leaf ("XD2L"/"XD3L" leaf1, or "XD2N"/"XD3N" leafn under
// da-btree nodes "XDA"/"XDA3") maps name hashes to data block addresses. "XFS Algorithms & Data
// Structures", "Leaf Directories" and "Node Directories".

extension XFSFileSystem {
    /// The entry `name` of directory `dir`, or nil. Small directories and cached ones are looked
    /// up in their parsed form; leaf and node directories through the hash index.
    func lookup(_ name: String, in dir: XFSInode) throws -> XFSDirectory.Entry? {
        if let cached = directoryCache.withLock({ $0[dir.number] }) { return cached.entries[name] }
        // ASCII-CI file systems hash lower-cased names; they are rare enough to just list.
        guard dir.format != .local, !superblock.versionFlags.contains(.asciiCI) else {
            return try directory(dir).entries[name]
        }
        let extents = try extents(of: dir)
        let leafStart = XFS.directoryLeafOffset >> UInt64(superblock.blockLog)
        guard Self.extent(containing: leafStart, in: extents) != nil else {
            return try directory(dir).entries[name]  // block form: one block holds everything
        }
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 255 else { return nil }
        let hash = Self.hashName(bytes)
        var block = leafStart
        var visits = 0
        var visited: Set<UInt64> = []
        while true {
            visits += 1
            guard visits <= 1024, visited.insert(block).inserted else {
                throw ImageError(
                    XFS.layer, .loop, "inode \(dir.number): directory index block \(block) reached twice",
                    at: dir.dataForkOffset)
            }
            let index = try indexBlock(block, of: dir, extents: extents)
            switch index.kind {
            case .node(let entries):
                // Entry i covers hashes up to its hashval; the first one at or above ours leads on.
                guard let next = entries.first(where: { $0.hash >= hash }) else { return nil }
                block = next.block
            case .leaf(let entries, let forward):
                for e in entries where e.hash == hash && e.address != 0 {
                    if let found = try candidate(e.address, named: bytes, in: dir, extents: extents) { return found }
                }
                // Equal hashes may continue in the next leaf.
                guard let last = entries.last, last.hash == hash, forward != 0 else { return nil }
                block = UInt64(forward)
            }
        }
    }

    /// xfs_da_hashname: the name hash of directory indexes.
    static func hashName(_ name: [UInt8]) -> UInt32 {
        func rol(_ v: UInt32, _ n: UInt32) -> UInt32 { (v << n) | (v >> (32 - n)) }
        var hash: UInt32 = 0
        var i = 0
        while name.count - i >= 4 {
            hash =
                UInt32(name[i]) << 21 ^ UInt32(name[i + 1]) << 14 ^ UInt32(name[i + 2]) << 7 ^ UInt32(name[i + 3])
                ^ rol(hash, 28)
            i += 4
        }
        switch name.count - i {
        case 3: return UInt32(name[i]) << 14 ^ UInt32(name[i + 1]) << 7 ^ UInt32(name[i + 2]) ^ rol(hash, 21)
        case 2: return UInt32(name[i]) << 7 ^ UInt32(name[i + 1]) ^ rol(hash, 14)
        case 1: return UInt32(name[i]) ^ rol(hash, 7)
        default: return hash
        }
    }

    struct IndexBlock {
        enum Kind {
            case node([(hash: UInt32, block: UInt64)])
            case leaf([(hash: UInt32, address: UInt32)], forward: UInt32)
        }
        let kind: Kind
    }

    /// Parses the da-btree node or leaf at logical block `block` (at or above the leaf offset).
    func indexBlock(_ block: UInt64, of dir: XFSInode, extents: [XFSExtent]) throws -> IndexBlock {
        let leafStart = XFS.directoryLeafOffset >> UInt64(superblock.blockLog)
        let perDirBlock = UInt64(1) << superblock.directoryBlockLog
        guard block >= leafStart, block % perDirBlock == 0 else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(dir.number): directory index points at block \(block)",
                at: dir.dataForkOffset)
        }
        let (bytes, offset) = try directoryBlock(block / perDirBlock, of: dir, extents: extents)
        let v5 = superblock.isV5
        let r = ByteReader(bytes, layer: XFS.layer, base: offset)
        let forward = try r.u32be(at: 0)  // 0x00 forw
        var m = r
        try m.seek(to: 8)
        let magic = try m.u16be()  // 0x08 magic
        if v5 {
            try checkV5Header(
                bytes, offset: offset, crcAt: 12, blknoAt: 16, uuidAt: 32, ownerAt: 48, owner: dir.number,
                what: "directory index block")
        }
        let header = v5 ? 64 : 16
        var c = r
        try c.seek(to: v5 ? 56 : 12)
        let count = Int(try c.u16be())  // count
        guard count <= (bytes.count - header) / 8 else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(dir.number): index block with \(count) entries", at: c.offset - 2)
        }
        try c.seek(to: header)
        switch magic {
        case v5 ? 0x3EBE : 0xFEBE:  // da-btree node
            var entries: [(hash: UInt32, block: UInt64)] = []
            entries.reserveCapacity(count)
            for _ in 0..<count { entries.append((try c.u32be(), UInt64(try c.u32be()))) }
            return IndexBlock(kind: .node(entries))
        case v5 ? 0x3DF1 : 0xD2F1, v5 ? 0x3DFF : 0xD2FF:  // leaf1, leafn
            var entries: [(hash: UInt32, address: UInt32)] = []
            entries.reserveCapacity(count)
            for _ in 0..<count { entries.append((try c.u32be(), try c.u32be())) }
            return IndexBlock(kind: .leaf(entries, forward: forward))
        default:
            throw ImageError(
                XFS.layer, .badMagic, "inode \(dir.number): bad directory index block magic", at: offset + 8)
        }
    }

    /// The entry at data address `address` (8-byte units) if it is named `name`.
    private func candidate(_ address: UInt32, named name: [UInt8], in dir: XFSInode, extents: [XFSExtent]) throws
        -> XFSDirectory.Entry?
    {
        let byte = UInt64(address) * 8
        let size = UInt64(superblock.directoryBlockSize)
        guard byte < XFS.directoryLeafOffset else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(dir.number): index address \(address) outside the data", at: nil)
        }
        let (bytes, offset) = try directoryBlock(byte / size, of: dir, extents: extents)
        var r = ByteReader(bytes, layer: XFS.layer, base: offset)
        let v5 = superblock.isV5
        let magic = try r.u32be()
        guard magic == (v5 ? 0x5844_4433 : 0x5844_3244) || magic == (v5 ? 0x5844_4233 : 0x5844_3242) else {
            throw ImageError(XFS.layer, .badMagic, "inode \(dir.number): bad directory data block magic", at: offset)
        }
        if v5 {
            try checkV5Header(
                bytes, offset: offset, crcAt: 0x04, blknoAt: 0x08, uuidAt: 0x18, ownerAt: 0x28, owner: dir.number,
                what: "directory block")
        }
        let within = Int(byte % size)
        guard within >= (v5 ? 64 : 16) else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(dir.number): index address \(address) in a header", at: offset)
        }
        try r.seek(to: within)
        let number = try r.u64be()  // inumber
        let length = Int(try r.u8())  // namelen
        guard length == name.count, try r.bytes(length) == name else { return nil }
        let type = superblock.hasFileType ? FileType(directoryEntryType: try r.u8()) : nil
        return XFSDirectory.Entry(inode: number, offset: offset + UInt64(within), type: type)
    }
}
