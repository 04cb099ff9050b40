import BlockIO

extension BtrfsFileSystem {
    /// Bytes `offset ..< offset + count` of a file (inside its size), reading only the EXTENT_DATA
    /// items and disk extents that cover the range. Holes (no extent with NO_HOLES, or
    /// disk_bytenr 0) and prealloc extents read as zeros.
    func readData(_ loc: Location, size: UInt64, at offset: UInt64, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0, !loc.isEmptySubvolumeDirectory else { return out }
        let end = offset + UInt64(count)
        let ino = loc.inode
        try volume.walk(
            loc.root.tree, from: BtrfsKey(ino, Btrfs.extentData, offset),
            through: BtrfsKey(ino, Btrfs.extentData, end - 1),
            predecessor: true
        ) { key, r in
            guard key.objectID == ino, key.type == Btrfs.extentData else { return true }
            var rr = r
            let e = try BtrfsFileExtent(&rr)
            let (extentEnd, overflow) = key.offset.addingReportingOverflow(e.fileLength)
            guard !overflow else {
                throw ImageError(
                    Btrfs.layer, .corrupt, "file extent at \(key.offset) of \(e.fileLength) bytes", at: e.at)
            }
            let lo = max(offset, key.offset)
            let hi = min(end, extentEnd)
            guard lo < hi else { return true }
            try fill(&out, at: Int(lo - offset), extent: e, from: lo - key.offset, count: Int(hi - lo))
            return true
        }
        return out
    }

    /// Copies `count` bytes of the extent's file data, starting `from` bytes into it, to `out[at...]`.
    private func fill(_ out: inout [UInt8], at: Int, extent e: BtrfsFileExtent, from: UInt64, count: Int) throws {
        switch e.kind {
        case .prealloc:
            return
        case .inline(let raw, let dataOffset):
            let data: [UInt8]
            if e.compression == 0 {
                data = raw
            } else {
                let ram = try Checked.int(
                    e.ramBytes, limit: Int(volume.superblock.sectorSize), "inline ram_bytes", Btrfs.layer, at: e.at + 8)
                data = try BtrfsCompression.decompress(
                    e.compression, raw, ramBytes: ram, at: dataOffset, sectorSize: Int(volume.superblock.sectorSize))
            }
            // fileLength is data.count, so the range lies inside `data`.
            let start = Int(from)
            out.replaceSubrange(at..<at + count, with: data[start..<start + count])
        case .regular(let diskBytenr, let diskBytes, let extentOffset, _):
            if diskBytenr == 0 { return }  // explicit hole
            if e.compression == 0 {
                let (skip, o1) = extentOffset.addingReportingOverflow(from)
                let (last, o2) = skip.addingReportingOverflow(UInt64(count))
                guard !o1, !o2, last <= diskBytes else {
                    throw ImageError(
                        Btrfs.layer, .corrupt, "file extent reads past its disk extent (\(diskBytes) bytes)", at: e.at)
                }
                let bytes = try volume.read(logical: diskBytenr + skip, count: count, referencedAt: e.at + 0x15)
                out.replaceSubrange(at..<at + count, with: bytes)
            } else {
                let limit = Int(Btrfs.maxUncompressed)
                let disk = try Checked.int(
                    diskBytes, limit: limit, "compressed disk_num_bytes", Btrfs.layer, at: e.at + 0x1D)
                let ram = try Checked.int(e.ramBytes, limit: limit, "compressed ram_bytes", Btrfs.layer, at: e.at + 8)
                let key = BtrfsVolume.InflatedKey(
                    diskBytenr: diskBytenr, diskBytes: disk, ramBytes: ram, compression: e.compression)
                let data = try volume.inflatedExtent(key, referencedAt: e.at + 0x15)
                let (skip, o1) = extentOffset.addingReportingOverflow(from)
                guard !o1, skip <= UInt64(ram), UInt64(count) <= UInt64(ram) - skip else {
                    throw ImageError(
                        Btrfs.layer, .corrupt, "file extent reads past its ram_bytes (\(ram))", at: e.at)
                }
                out.replaceSubrange(at..<at + count, with: data[Int(skip)..<Int(skip) + count])
            }
        }
    }
}
