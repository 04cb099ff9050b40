import BlockIO

// File data and symlink targets: map logical blocks through the data fork's extents, read only
// the blocks asked for, holes and unwritten extents as zeros.

extension XFSFileSystem {
    /// Up to `count` bytes of `inode`'s data from byte `offset` (fewer at the end of the file).
    func read(_ inode: XFSInode, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count >= 0, offset < inode.size else { return [] }
        let want = min(UInt64(count), inode.size - offset)
        guard want <= UInt64(maximumSingleRead) else {
            throw ImageError(XFS.layer, .limitExceeded, "read of \(want) bytes from inode \(inode.number)")
        }
        guard inode.flags & XFSInode.realtimeFlag == 0 else {
            throw ImageError(
                XFS.layer, .unsupported, "inode \(inode.number) keeps its data on the realtime device",
                at: inode.dataForkOffset)
        }
        var out = [UInt8](repeating: 0, count: Int(want))
        let end = offset + want
        let extents = try extents(of: inode)
        let blockLog = UInt64(superblock.blockLog)
        // First extent ending after `offset` (extents are sorted and disjoint).
        var lo = 0
        var hi = extents.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if extents[mid].logicalEnd << blockLog <= offset { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < extents.count {
            let e = extents[i]
            let start = e.logicalBlock << blockLog
            if start >= end { break }
            let from = max(offset, start)
            let to = min(end, e.logicalEnd << blockLog)
            if from < to, !e.isUnwritten {
                let dst = Int(from - offset)
                let n = Int(to - from)
                let source = e.deviceOffset + (from - start)
                try out.withUnsafeMutableBytes { buf in
                    try device.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[dst..<dst + n]), at: source)
                }
            }
            i += 1
        }
        return out
    }

    /// The target of a symlink: in the inode (local) or in blocks, each with an "XSLM" header on v5.
    func symlinkTarget(_ inode: XFSInode) throws -> String {
        guard inode.size > 0, inode.size <= UInt64(XFS.maximumSymlinkLength) else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(inode.number): symlink of \(inode.size) bytes", at: inode.dataForkOffset)
        }
        let size = Int(inode.size)
        if inode.format == .local {
            return String(decoding: inode.dataFork.prefix(size), as: UTF8.self)
        }
        guard superblock.isV5 else {
            return String(decoding: try read(inode, at: 0, count: size), as: UTF8.self)
        }
        // v5: one "XSLM" header per extent (the kernel reads each mapping as one buffer), its
        // checksum over the whole extent. A 1024-byte target needs at most 3 blocks.
        let header = 56
        var target: [UInt8] = []
        for e in try extents(of: inode) where target.count < size {
            guard e.blockCount <= 3, !e.isUnwritten else {
                throw ImageError(
                    XFS.layer, .corrupt, "inode \(inode.number): symlink extent of \(e.blockCount) blocks",
                    at: inode.dataForkOffset)
            }
            let length = Int(e.blockCount) << Int(superblock.blockLog)
            let bytes = try metadata.read(at: e.deviceOffset, count: length, layer: XFS.layer)
            var r = ByteReader(bytes, layer: XFS.layer, base: e.deviceOffset)
            try r.expect(Array("XSLM".utf8), "remote symlink block")  // 0x00 sl_magic
            let at = try r.u32be()  // 0x04 sl_offset
            let n = try r.u32be()  // 0x08 sl_bytes
            try checkV5Header(
                bytes, offset: e.deviceOffset, crcAt: 0x0C, blknoAt: 0x28, uuidAt: 0x10, ownerAt: 0x20,
                owner: inode.number, what: "remote symlink block")
            guard at == UInt32(target.count), n > 0, Int(n) <= length - header, target.count + Int(n) <= size else {
                throw ImageError(
                    XFS.layer, .corrupt, "remote symlink block holds \(n) bytes at \(at)", at: e.deviceOffset + 4)
            }
            try r.seek(to: header)
            target += try r.bytes(Int(n))
        }
        guard target.count == size else {
            throw ImageError(
                XFS.layer, .corrupt, "inode \(inode.number): symlink blocks hold \(target.count) of \(size) bytes",
                at: inode.dataForkOffset)
        }
        return String(decoding: target, as: UTF8.self)
    }
}
