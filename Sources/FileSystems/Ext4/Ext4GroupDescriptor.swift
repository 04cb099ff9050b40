import BlockIO

/// One block group descriptor (32 bytes, or `s_desc_size` with `64bit`): where the group's inode
/// table is. "ext4 Data Structures and Algorithms", section "Block Group Descriptors".
struct Ext4GroupDescriptor: Sendable {
    /// First block of the group's inode table (hi/lo joined).
    let inodeTable: UInt64

    /// Parses one descriptor from a reader over exactly its `size` bytes and checks that the inode table lies inside the file
    /// system (`tableBlocks` blocks long).
    init(_ r: inout ByteReader, size: Int, blocksCount: UInt64, tableBlocks: UInt64) throws {
        let at = r.offset
        try r.skip(8)  // 0x00 bg_block_bitmap_lo, 0x04 bg_inode_bitmap_lo
        let tableLo = try r.u32le()  // 0x08 bg_inode_table_lo
        var table = UInt64(tableLo)
        if size >= 64 {
            try r.seek(to: 0x28)
            let tableHi = try r.u32le()  // 0x28 bg_inode_table_hi
            table |= UInt64(tableHi) << 32
        }
        let (end, overflow) = table.addingReportingOverflow(tableBlocks)
        guard table > 0, !overflow, end <= blocksCount else {
            throw ImageError(
                r.layer, .corrupt, "inode table at block \(table) (\(tableBlocks) blocks) is outside the file system",
                at: at + 0x08)
        }
        inodeTable = table
    }
}
