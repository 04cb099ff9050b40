import BlockIO

/// ext2/ext3 block maps: `i_block[0..11]` direct, `[12]` single, `[13]` double and `[14]` triple
/// indirect blocks of 32-bit block numbers; 0 is a hole ("ext4 Data Structures and Algorithms",
/// "Direct/Indirect Block Addressing").
extension Ext4FileSystem {
    /// The runs of a block-mapped inode over logical blocks `first...last`, adjacent blocks merged.
    func indirectRuns(_ node: Ext4Inode, first: UInt64, last: UInt64) throws -> [Ext4Run] {
        var out: [Ext4Run] = []
        var logical = first
        while logical <= last {
            let physical = try mapIndirect(node, logical)
            if var tail = out.last, tail.logical + tail.length == logical,
                (tail.physical == nil && physical == nil)
                    || (tail.physical.map { $0 + tail.length } == physical && physical != nil)
            {
                tail.length += 1
                out[out.count - 1] = tail
            } else {
                out.append(Ext4Run(logical: logical, physical: physical, length: 1))
            }
            logical += 1
        }
        return out
    }

    /// The physical block of one logical block, nil for a hole.
    func mapIndirect(_ node: Ext4Inode, _ logical: UInt64) throws -> UInt64? {
        let perBlock = UInt64(blockSize / 4)
        let r = ByteReader(node.blockArea, layer: Self.layer, base: node.blockAreaOffset(0))
        if logical < 12 { return try pointer(r, index: logical) }
        var rest = logical - 12
        // (slot in i_block, levels of indirection, blocks covered)
        let levels: [(UInt64, Int, UInt64)] = [
            (12, 1, perBlock), (13, 2, perBlock * perBlock), (14, 3, perBlock * perBlock * perBlock),
        ]
        for (slot, depth, span) in levels {
            if rest >= span {
                rest -= span
                continue
            }
            guard var block = try pointer(r, index: slot) else { return nil }
            var within = span
            for _ in 0..<depth {
                within /= perBlock
                let table = try metadataBlock(block)
                guard let next = try pointer(table, index: rest / within) else { return nil }
                rest %= within
                block = next
            }
            return block
        }
        throw ImageError(
            Self.layer, .corrupt, "logical block \(logical) is beyond the triple-indirect range", at: node.offset)
    }

    /// Reads block number `index` of a table; 0 is a hole; a number past the end is corrupt.
    private func pointer(_ r: ByteReader, index: UInt64) throws -> UInt64? {
        let position = Int(index) * 4
        let value = UInt64(try r.u32le(at: position))
        if value == 0 { return nil }
        guard value < superblock.blocksCount else {
            throw ImageError(
                Self.layer, .corrupt, "block pointer \(value) is past the end of the file system",
                at: r.base + UInt64(position))
        }
        return value
    }
}
