import BlockIO

/// One name in an ext4 directory.
struct Ext4DirectoryEntry: Sendable {
    let name: String
    let inode: UInt32
    let type: FileType
}

/// The parsed entries of one directory (without `.` and `..`), each name once (the first: a
/// duplicate is unreachable by lookup anyway).
///
/// A small directory is searched in order and indexed by name only once it reaches
/// `indexedFrom` entries: most directories a check lists (the ~400 below a kernel's modules
/// directory) are never looked up in, and hashing every name was a tenth of listing them.
struct Ext4Directory: Sendable {
    private(set) var entries: [Ext4DirectoryEntry] = []
    /// Positions in `entries` by name; empty until the directory reaches `indexedFrom` entries.
    private var byName: [String: Int] = [:]
    static let indexedFrom = 16

    private var indexed: Bool { !byName.isEmpty }

    mutating func append(_ e: Ext4DirectoryEntry) {
        if indexed {
            // One hash in the common case; a duplicate puts the first one's position back.
            if let first = byName.updateValue(entries.count, forKey: e.name) {
                byName[e.name] = first
                return
            }
        } else {
            guard !entries.contains(where: { $0.name == e.name }) else { return }
            if entries.count + 1 >= Self.indexedFrom {
                for (i, old) in entries.enumerated() { byName[old.name] = i }
                byName[e.name] = entries.count
            }
        }
        entries.append(e)
    }

    /// The entry called `name`, nil when there is none.
    func entry(named name: String) -> Ext4DirectoryEntry? {
        indexed ? byName[name].map { entries[$0] } : entries.first { $0.name == name }
    }
}

extension Ext4FileSystem {
    /// Entries kept per directory; a bigger one is refused rather than held in memory.
    static let maxDirectoryEntries = 1 << 21
    /// Directory bytes mapped per step.
    static let directoryChunk = 1 << 20
    /// Largest directory read (far above what `maxDirectoryEntries` records need).
    static let maxDirectoryBytes = 256 << 20

    /// The entries of a directory inode, parsed on first use then cached. Linear and htree
    /// directories are read the same way: every block is scanned (htree index blocks look like
    /// one empty record); inline directories are read from `i_block` and `system.data`.
    func directory(_ node: Ext4Inode) throws -> Ext4Directory {
        if let hit = cache.withLock({ $0.directories[node.number] }) { return hit }
        var dir = Ext4Directory()
        if node.flags.contains(.inlineData) {
            // i_block: the parent's inode number (4 bytes), then records; more in system.data.
            try parseDirectoryRecords(
                Array(node.blockArea[4...]), at: node.blockAreaOffset(4), node: node, into: &dir)
            if let more = try inodeXattr(node, index: 7, name: Array("data".utf8)), !more.value.isEmpty {
                try parseDirectoryRecords(more.value, at: more.offset, node: node, into: &dir)
            }
        } else {
            let bs = UInt64(blockSize)
            guard node.size % bs == 0 else {
                throw ImageError(
                    Self.layer, .corrupt, "directory inode \(node.number) has size \(node.size), not whole blocks",
                    at: node.offset + 0x04)
            }
            guard node.size <= UInt64(Self.maxDirectoryBytes) else {
                throw ImageError(
                    Self.layer, .limitExceeded,
                    "directory inode \(node.number) of \(node.size) bytes (at most \(Self.maxDirectoryBytes))",
                    at: node.offset + 0x04)
            }
            // Only mapped blocks are read: a hole (or an unwritten extent) in a directory is
            // skipped, as the kernel's readdir does, so a huge sparse size costs nothing.
            let blockCount = node.size / bs
            var first: UInt64 = 0
            while first < blockCount {
                let last = min(blockCount, first + UInt64(Self.directoryChunk / blockSize)) - 1
                for run in try blockRuns(node, first: first, last: last) {
                    guard let physical = run.physical else { continue }
                    let from = max(run.logical, first)
                    let to = min(run.logical + run.length - 1, last)
                    guard from <= to else { continue }
                    let deviceOffset = (physical + (from - run.logical)) * bs
                    let bytes = try device.read(at: deviceOffset, count: Int((to - from + 1) * bs), layer: Self.layer)
                    for k in stride(from: 0, to: bytes.count, by: blockSize) {
                        try parseDirectoryRecords(
                            Array(bytes[k..<k + blockSize]), at: deviceOffset + UInt64(k), node: node, into: &dir)
                    }
                }
                first = last + 1
            }
        }
        cache.withLock { $0.directories.insert(dir, for: node.number, cost: dir.entries.count) }
        return dir
    }

    /// Parses `ext4_dir_entry_2` records filling `bytes` exactly (one block, or an inline area).
    /// `rec_len` must be a multiple of 4, hold the name, and stay inside the area.
    func parseDirectoryRecords(_ bytes: [UInt8], at base: UInt64, node: Ext4Inode, into dir: inout Ext4Directory)
        throws
    {
        let hasFileType = superblock.incompat.contains(.fileType)
        var r = ByteReader(bytes, layer: Self.layer, base: base)
        while !r.isAtEnd {
            let at = r.offset
            let start = r.position
            guard r.remaining >= 8 else {
                throw ImageError(Self.layer, .corrupt, "directory record of \(r.remaining) bytes", at: at)
            }
            let inode = try r.u32le()  // 0x00 inode
            let rawRecordLength = try r.u16le()  // 0x04 rec_len
            let nameLengthLo = try r.u8()  // 0x06 name_len
            let typeOrNameHi = try r.u8()  // 0x07 file_type (or name_len high byte without filetype)
            let nameLength = hasFileType ? Int(nameLengthLo) : Int(typeOrNameHi) << 8 | Int(nameLengthLo)
            // With 64 KiB blocks a record spanning the whole block is stored as 0 or 65535.
            var recordLength = Int(rawRecordLength)
            if blockSize == 65536, rawRecordLength == 0 || rawRecordLength == 65535 { recordLength = 65536 }
            guard recordLength >= 8, recordLength % 4 == 0, recordLength <= bytes.count - start,
                8 + nameLength <= recordLength
            else {
                throw ImageError(
                    Self.layer, .corrupt,
                    "directory inode \(node.number): record length \(rawRecordLength) (name \(nameLength), \(bytes.count - start) bytes left)",
                    at: at + 4)
            }
            if inode != 0, nameLength > 0 {
                // In bounds: 8 + nameLength <= recordLength <= what is left (checked above). A
                // slice, not a copy: a modules tree lists some 6,000 names.
                let nameBytes = bytes[(start + 8)..<(start + 8 + nameLength)]
                let isDot = nameLength <= 2 && nameBytes.allSatisfy { $0 == 0x2E }
                if !isDot {
                    guard inode <= superblock.inodesCount else {
                        throw ImageError(
                            Self.layer, .corrupt,
                            "directory entry names inode \(inode), past the \(superblock.inodesCount) inodes", at: at)
                    }
                    guard dir.entries.count < Self.maxDirectoryEntries else {
                        throw ImageError(
                            Self.layer, .limitExceeded,
                            "directory inode \(node.number) has more than \(dir.entries.count) entries",
                            at: at)
                    }
                    // An unknown `file_type` leaves the type to the inode.
                    let type = hasFileType ? FileType(directoryEntryType: typeOrNameHi) : nil
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    dir.append(Ext4DirectoryEntry(name: name, inode: inode, type: try type ?? self.inode(inode).type))
                }
            }
            try r.seek(to: start + recordLength)
        }
    }
}
