import BlockIO

/// A stretch of a file's logical blocks: mapped to `physical`, or a hole / unwritten extent
/// (`physical == nil`) that reads as zeros.
struct Ext4Run: Sendable, Equatable {
    var logical: UInt64
    var physical: UInt64?
    var length: UInt64
}

/// One node of an extent tree: the 12-byte header and its entries, checked
/// ("ext4 Data Structures and Algorithms", "Extent Tree").
struct Ext4ExtentNode {
    static let maxDepth = 5

    struct Entry {
        /// First logical block covered.
        var logical: UInt64
        /// Leaf: first physical block; index: the child node's block.
        var block: UInt64
        /// Leaf only: number of blocks (1…32768).
        var length: UInt64
        /// Leaf only: an unwritten (preallocated) extent, read as zeros.
        var unwritten: Bool
        /// Device offset of the entry.
        var offset: UInt64
    }

    let depth: Int
    let entries: [Entry]

    init(_ r: inout ByteReader, expectedDepth: Int?) throws {
        let at = r.offset
        let capacity = (r.remaining - 12) / 12
        try r.expect([0x0A, 0xF3], "extent header")  // 0x00 eh_magic 0xF30A
        let count = Int(try r.u16le())  // 0x02 eh_entries
        let max = Int(try r.u16le())  // 0x04 eh_max
        let depth = Int(try r.u16le())  // 0x06 eh_depth
        try r.skip(4)  // 0x08 eh_generation
        guard depth <= Self.maxDepth else {
            throw ImageError(r.layer, .corrupt, "extent tree depth \(depth) (at most \(Self.maxDepth))", at: at + 6)
        }
        if let expectedDepth, depth != expectedDepth {
            throw ImageError(r.layer, .corrupt, "extent node depth \(depth), expected \(expectedDepth)", at: at + 6)
        }
        guard max <= capacity, count <= max else {
            throw ImageError(
                r.layer, .corrupt, "extent node holds \(count) of \(max) entries (room for \(capacity))", at: at + 2)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var nextLogical: UInt64 = 0
        for i in 0..<count {
            let entryAt = r.offset
            let logical = UInt64(try r.u32le())  // 0x00 ee_block / ei_block
            var e: Entry
            if depth == 0 {
                let rawLength = try r.u16le()  // 0x04 ee_len (> 32768: unwritten)
                let startHi = try r.u16le()  // 0x06 ee_start_hi
                let startLo = try r.u32le()  // 0x08 ee_start_lo
                let unwritten = rawLength > 32768
                let length = UInt64(unwritten ? rawLength - 32768 : rawLength)
                guard length > 0 else {
                    throw ImageError(r.layer, .corrupt, "empty extent", at: entryAt + 4)
                }
                e = Entry(
                    logical: logical, block: UInt64(startHi) << 32 | UInt64(startLo), length: length,
                    unwritten: unwritten, offset: entryAt)
            } else {
                let leafLo = try r.u32le()  // 0x04 ei_leaf_lo
                let leafHi = try r.u16le()  // 0x08 ei_leaf_hi
                try r.skip(2)  // 0x0A ei_unused
                e = Entry(
                    logical: logical, block: UInt64(leafHi) << 32 | UInt64(leafLo), length: 0, unwritten: false,
                    offset: entryAt)
            }
            // Entries are sorted and (for leaves) do not overlap.
            guard i == 0 || logical >= nextLogical else {
                throw ImageError(r.layer, .corrupt, "extent entries out of logical order", at: entryAt)
            }
            nextLogical = depth == 0 ? logical + e.length : logical + 1
            entries.append(e)
        }
        self.depth = depth
        self.entries = entries
    }
}

extension Ext4FileSystem {
    /// Extent tree blocks visited per mapping call (a bound on damaged trees).
    static let maxExtentNodesPerWalk = 65536

    /// The runs of an extent-mapped inode that overlap logical blocks `first...last`, in order.
    /// Only the index entries covering the range are followed; every node is checked; a node
    /// seen twice is a loop.
    func extentRuns(_ node: Ext4Inode, first: UInt64, last: UInt64) throws -> [Ext4Run] {
        var r = ByteReader(node.blockArea, layer: Self.layer, base: node.blockAreaOffset(0))
        let root = try Ext4ExtentNode(&r, expectedDepth: nil)
        var out: [Ext4Run] = []
        var visited: Set<UInt64> = []
        try walkExtents(root, upTo: nil, first: first, last: last, visited: &visited, into: &out)
        return out
    }

    private func walkExtents(
        _ n: Ext4ExtentNode, upTo limit: UInt64?, first: UInt64, last: UInt64, visited: inout Set<UInt64>,
        into out: inout [Ext4Run]
    ) throws {
        for (i, e) in n.entries.enumerated() {
            if n.depth == 0 {
                let end = e.logical + e.length  // exclusive; no overflow: both < 2^33
                guard end > first, e.logical <= last else { continue }
                let (physicalEnd, overflow) = e.block.addingReportingOverflow(e.length)
                guard !overflow, e.block > 0, physicalEnd <= superblock.blocksCount else {
                    throw ImageError(
                        Self.layer, .corrupt,
                        "extent of \(e.length) blocks at block \(e.block) is past the end of the file system (\(superblock.blocksCount) blocks)",
                        at: e.offset)
                }
                out.append(Ext4Run(logical: e.logical, physical: e.unwritten ? nil : e.block, length: e.length))
                continue
            }
            // Index entry i covers logical blocks up to the next entry's start.
            let next = i + 1 < n.entries.count ? n.entries[i + 1].logical : (limit ?? UInt64.max)
            guard next > first, e.logical <= last else { continue }
            guard e.block > 0, e.block < superblock.blocksCount else {
                throw ImageError(
                    Self.layer, .corrupt, "extent index points to block \(e.block), past the end of the file system",
                    at: e.offset)
            }
            guard visited.insert(e.block).inserted else {
                throw ImageError(Self.layer, .loop, "extent tree visits block \(e.block) twice", at: e.offset)
            }
            guard visited.count <= Self.maxExtentNodesPerWalk else {
                throw ImageError(
                    Self.layer, .limitExceeded, "extent tree of more than \(visited.count) nodes", at: e.offset)
            }
            var r = try metadataBlock(e.block)
            let child = try Ext4ExtentNode(&r, expectedDepth: n.depth - 1)
            try walkExtents(child, upTo: next, first: first, last: last, visited: &visited, into: &out)
        }
    }

    /// A block of file system metadata (extent or indirect block), through a small cache.
    func metadataBlock(_ block: UInt64) throws -> ByteReader {
        let at = block * UInt64(blockSize)
        if let hit = cache.withLock({ $0.blocks[block] }) {
            return ByteReader(hit, layer: Self.layer, base: at)
        }
        let bytes = try device.read(at: at, count: blockSize, layer: Self.layer)
        cache.withLock { $0.blocks.insert(bytes, for: block) }
        return ByteReader(bytes, layer: Self.layer, base: at)
    }
}
