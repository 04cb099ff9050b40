import BlockIO

extension Ext4FileSystem {
    /// The runs covering logical blocks `first...last` of a block- or extent-mapped inode.
    func blockRuns(_ node: Ext4Inode, first: UInt64, last: UInt64) throws -> [Ext4Run] {
        if node.flags.contains(.extents) { return try extentRuns(node, first: first, last: last) }
        return try indirectRuns(node, first: first, last: last)
    }

    /// Up to `count` bytes of an inode's data from `offset` (fewer at its end). Only the blocks
    /// covering the range are read; holes and unwritten extents are zeros.
    func readFile(_ node: Ext4Inode, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count <= maximumSingleRead else {
            throw ImageError(Self.layer, .limitExceeded, "read of \(count) bytes from inode \(node.number)")
        }
        guard count > 0, offset < node.size else { return [] }
        let n = Int(min(UInt64(count), node.size - offset))
        if node.flags.contains(.inlineData) {
            let data = try inlineData(node)
            guard UInt64(data.count) >= node.size else {
                throw ImageError(
                    Self.layer, .corrupt, "inode \(node.number): size \(node.size) but \(data.count) inline bytes",
                    at: node.offset + 0x04)
            }
            let start = Int(offset)
            return Array(data[start..<start + n])
        }
        var out = [UInt8](repeating: 0, count: n)
        let bs = UInt64(blockSize)
        let end = offset + UInt64(n)
        let runs = try blockRuns(node, first: offset / bs, last: (end - 1) / bs)
        for run in runs {
            guard let physical = run.physical else { continue }
            let runStart = run.logical * bs
            let runEnd = (run.logical + run.length) * bs
            let s = max(runStart, offset)
            let e = min(runEnd, end)
            guard s < e else { continue }
            let deviceOffset = physical * bs + (s - runStart)
            let lower = Int(s - offset)
            let upper = Int(e - offset)
            try device.checkRange(deviceOffset, UInt64(upper - lower), layer: Self.layer)
            try out.withUnsafeMutableBytes { buffer in
                try device.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[lower..<upper]), at: deviceOffset)
            }
        }
        return out
    }

    /// The target bytes of a symlink: in `i_block` (fast), inline data, or its data blocks.
    func symlinkTarget(_ node: Ext4Inode) throws -> [UInt8] {
        guard node.size <= Self.maxSymlinkSize else {
            throw ImageError(
                Self.layer, .limitExceeded, "symlink inode \(node.number) of \(node.size) bytes", at: node.offset + 0x04
            )
        }
        if node.flags.contains(.inlineData) { return try readFile(node, at: 0, count: Int(node.size)) }
        // A fast symlink owns no blocks besides its xattr block (the kernel's ext4_inode_is_fast_symlink).
        let xattrBlocks: UInt64 = node.xattrBlock != 0 ? UInt64(blockSize / 512) : 0
        if node.size < 60, node.blockCount <= xattrBlocks {
            return Array(node.blockArea.prefix(Int(node.size)))
        }
        return try readFile(node, at: 0, count: Int(node.size))
    }

    /// The inline data of an inode: the 60 bytes of `i_block`, then the value of its
    /// `system.data` extended attribute ("Inline Data").
    func inlineData(_ node: Ext4Inode) throws -> [UInt8] {
        var data = node.blockArea
        if let more = try inodeXattr(node, index: 7, name: Array("data".utf8)) { data += more.value }
        return data
    }

    /// The value (and its device offset) of one extended attribute stored inside the inode (after
    /// `i_extra_isize`), nil when absent. `index` is the name prefix number (7 = `system.`).
    func inodeXattr(_ node: Ext4Inode, index: UInt8, name: [UInt8]) throws -> (value: [UInt8], offset: UInt64)? {
        let area = node.extraArea
        var r = ByteReader(area, layer: Self.layer, base: node.extraAreaOffset)
        guard r.remaining >= 4, try r.u32le() == 0xEA02_0000 else { return nil }  // h_magic
        let valuesBase = 4  // value offsets count from the first entry
        for _ in 0..<(area.count / 16 + 1) {
            guard r.remaining >= 4, try r.u32le(at: r.position) != 0 else { return nil }  // end: 4 zero bytes
            let entryAt = r.offset
            let nameLength = Int(try r.u8())  // 0x00 e_name_len
            let nameIndex = try r.u8()  // 0x01 e_name_index
            let valueOffset = Int(try r.u16le())  // 0x02 e_value_offs
            let valueInode = try r.u32le()  // 0x04 e_value_inum
            let valueSize = Int(try r.u32le())  // 0x08 e_value_size
            try r.skip(4)  // 0x0C e_hash
            let entryName = try r.bytes(nameLength)  // 0x10 e_name
            try r.skip(min(r.remaining, (4 - (16 + nameLength) % 4) % 4))
            guard nameIndex == index, entryName == name else { continue }
            guard valueInode == 0 else {
                throw ImageError(Self.layer, .unsupported, "xattr value in inode \(valueInode)", at: entryAt + 4)
            }
            let start = valuesBase + valueOffset
            guard valueSize <= area.count, start <= area.count - valueSize else {
                throw ImageError(
                    Self.layer, .corrupt, "xattr value of \(valueSize) bytes at \(valueOffset) outside the inode",
                    at: entryAt + 2)
            }
            return (Array(area[start..<start + valueSize]), node.extraAreaOffset + UInt64(start))
        }
        return nil
    }
}
