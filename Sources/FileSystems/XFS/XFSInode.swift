import BlockIO

/// An on-disk inode (`struct xfs_dinode`), core fields parsed and the data fork kept as bytes.
struct XFSInode: Sendable {
    let number: UInt64
    let mode: UInt16
    let version: UInt8
    let format: XFS.ForkFormat
    let linkCount: UInt32
    let uid: UInt32
    let gid: UInt32
    /// Seconds since the epoch.
    let modificationTime: Int64
    let size: UInt64
    let dataExtentCount: UInt64
    let flags: UInt16
    /// The data fork's bytes: its literal area up to the attr fork (`di_forkoff`).
    let dataFork: [UInt8]
    /// Device offset of `dataFork[0]`, for error locations.
    let dataForkOffset: UInt64

    /// `di_flags` bit: the file's data lives on the realtime device.
    static let realtimeFlag: UInt16 = 0x0001
    /// `di_flags2` bits.
    static let bigTimeFlag: UInt64 = 1 << 3
    static let nrext64Flag: UInt64 = 1 << 4

    var type: FileType { FileType(mode: UInt32(mode)) }

    /// Parses the inode `number` from `bytes` (`inodeSize` bytes at device offset `base`).
    /// Throws `.badMagic` without "IN", `.corrupt` for a wrong v3 checksum, inode number or
    /// fork layout, `.unsupported` for forks we cannot read.
    init(_ bytes: [UInt8], number: UInt64, base: UInt64, superblock sb: XFSSuperblock) throws(ImageError) {
        let layer = XFS.layer
        func fail(_ kind: ImageError.Kind, _ detail: String, _ at: Int) -> ImageError {
            ImageError(layer, kind, "inode \(number): \(detail)", at: base + UInt64(at))
        }
        var r = ByteReader(bytes, layer: layer, base: base)
        guard try r.u16be() == 0x494E else {  // 0x00 di_magic "IN"
            throw fail(.badMagic, "bad inode magic", 0)
        }
        self.number = number
        mode = try r.u16be()  // 0x02 di_mode
        version = try r.u8()  // 0x04 di_version
        let rawFormat = try r.u8()  // 0x05 di_format
        let oldLinkCount = try r.u16be()  // 0x06 di_onlink (v1 only)
        uid = try r.u32be()  // 0x08 di_uid
        gid = try r.u32be()  // 0x0C di_gid
        let newLinkCount = try r.u32be()  // 0x10 di_nlink (v2+)
        _ = try r.u16be()  // 0x14 di_projid_lo
        _ = try r.u16be()  // 0x16 di_projid_hi
        let bigExtentCount = try r.u64be()  // 0x18 di_big_nextents (nrext64) or padding
        _ = try r.u64be()  // 0x20 di_atime
        let mtime = try r.u64be()  // 0x28 di_mtime
        _ = try r.u64be()  // 0x30 di_ctime
        size = try r.u64be()  // 0x38 di_size
        _ = try r.u64be()  // 0x40 di_nblocks
        _ = try r.u32be()  // 0x48 di_extsize
        let extentCount32 = try r.u32be()  // 0x4C di_nextents (or di_big_anextents with nrext64)
        _ = try r.u16be()  // 0x50 di_anextents
        let forkOffset = try r.u8()  // 0x52 di_forkoff, in 8-byte units
        _ = try r.u8()  // 0x53 di_aformat
        _ = try r.u32be()  // 0x54 di_dmevmask
        _ = try r.u16be()  // 0x58 di_dmstate
        flags = try r.u16be()  // 0x5A di_flags
        var flags2: UInt64 = 0
        let coreSize: Int
        switch version {
        case 1, 2:
            guard !sb.isV5 else { throw fail(.corrupt, "version \(version) inode on a v5 file system", 4) }
            coreSize = 100
        case 3:
            guard sb.isV5 else { throw fail(.corrupt, "version 3 inode on a v4 file system", 4) }
            coreSize = 176
            guard XFSChecksum.verify(bytes, field: 0x64) else { throw fail(.corrupt, "inode checksum mismatch", 0x64) }
            try r.seek(to: 0x78)
            flags2 = try r.u64be()  // 0x78 di_flags2
            try r.seek(to: 0x98)
            let ino = try r.u64be()  // 0x98 di_ino
            guard ino == number else { throw fail(.corrupt, "stamped with inode number \(ino)", 0x98) }
            let stamp = try r.bytes(16)  // 0xA0 di_uuid
            guard stamp == sb.metadataUUID else { throw fail(.corrupt, "belongs to another file system (uuid)", 0xA0) }
        default:
            throw fail(.unsupported, "inode version \(version)", 4)
        }
        linkCount = version == 1 ? UInt32(oldLinkCount) : newLinkCount

        let isNrext64 = flags2 & Self.nrext64Flag != 0
        guard !isNrext64 || sb.incompat.contains(.nrext64) else {
            throw fail(.corrupt, "nrext64 inode without the nrext64 feature", 0x78)
        }
        dataExtentCount = isNrext64 ? bigExtentCount : UInt64(extentCount32)

        if flags2 & Self.bigTimeFlag != 0 {
            guard sb.incompat.contains(.bigTime) else { throw fail(.corrupt, "bigtime inode without bigtime", 0x78) }
            // Nanoseconds since 1901-12-13T20:45:52Z (the smallest 32-bit time).
            modificationTime = Int64(mtime / 1_000_000_000) - (Int64(1) << 31)
        } else {
            modificationTime = Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: mtime >> 32)))
        }

        let literalSize = Int(sb.inodeSize) - coreSize
        let dataForkSize: Int
        if forkOffset == 0 {
            dataForkSize = literalSize
        } else {
            dataForkSize = Int(forkOffset) * 8
            guard dataForkSize < literalSize else { throw fail(.corrupt, "attr fork offset \(forkOffset)", 0x52) }
        }
        guard bytes.count >= coreSize + dataForkSize else { throw fail(.truncated, "short inode", 0) }
        dataFork = Array(bytes[coreSize..<coreSize + dataForkSize])
        dataForkOffset = base + UInt64(coreSize)

        guard let f = XFS.ForkFormat(rawValue: rawFormat) else {
            throw fail(.unsupported, "data fork format \(rawFormat)", 5)
        }
        format = f
        // Which formats each type may use (xfs_dinode_verify_fork).
        let ok: Bool
        switch FileType(mode: UInt32(mode)) {
        case .regular: ok = f == .extents || f == .btree
        case .directory, .symlink: ok = f == .local || f == .extents || f == .btree
        case .characterDevice, .blockDevice, .fifo, .socket: ok = f == .device
        case .unknown: ok = mode == 0
        }
        guard ok else { throw fail(.corrupt, "data fork format \(rawFormat) for mode 0o\(String(mode, radix: 8))", 5) }
        if f == .local {
            guard size <= UInt64(dataForkSize) else {
                throw fail(.corrupt, "local fork of \(size) bytes in a \(dataForkSize)-byte fork", 0x38)
            }
        }
        if f == .extents {
            guard dataExtentCount <= UInt64(dataForkSize / 16) else {
                throw fail(.corrupt, "\(dataExtentCount) extents do not fit the inode", 0x4C)
            }
        }
        guard size <= UInt64(Int64.max) else { throw fail(.corrupt, "size \(size)", 0x38) }
    }
}
