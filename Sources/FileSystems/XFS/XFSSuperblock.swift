import BlockIO

/// Feature bits of `sb_versionnum` (v4 file systems; the low nibble is the version).
struct XFSVersionFlags: OptionSet, Sendable {
    let rawValue: UInt16
    static let attr = XFSVersionFlags(rawValue: 0x0010)
    static let nlink = XFSVersionFlags(rawValue: 0x0020)
    static let quota = XFSVersionFlags(rawValue: 0x0040)
    static let align = XFSVersionFlags(rawValue: 0x0080)
    static let dalign = XFSVersionFlags(rawValue: 0x0100)
    static let shared = XFSVersionFlags(rawValue: 0x0200)
    static let logV2 = XFSVersionFlags(rawValue: 0x0400)
    static let sector = XFSVersionFlags(rawValue: 0x0800)
    static let extentFlag = XFSVersionFlags(rawValue: 0x1000)
    static let directoryV2 = XFSVersionFlags(rawValue: 0x2000)
    static let asciiCI = XFSVersionFlags(rawValue: 0x4000)
    static let moreBits = XFSVersionFlags(rawValue: 0x8000)
}

/// `sb_features2` bits (v4; v5 file systems set the ones they imply).
struct XFSFeatures2: OptionSet, Sendable {
    let rawValue: UInt32
    static let lazySBCount = XFSFeatures2(rawValue: 0x0002)
    static let attr2 = XFSFeatures2(rawValue: 0x0008)
    static let parent = XFSFeatures2(rawValue: 0x0010)
    static let projectID32 = XFSFeatures2(rawValue: 0x0080)
    static let crc = XFSFeatures2(rawValue: 0x0100)
    static let fileType = XFSFeatures2(rawValue: 0x0200)
}

/// `sb_features_incompat` (v5): a reader that does not know a bit must refuse the file system.
struct XFSIncompatFeatures: OptionSet, Sendable {
    let rawValue: UInt32
    static let fileType = XFSIncompatFeatures(rawValue: 1 << 0)
    static let sparseInodes = XFSIncompatFeatures(rawValue: 1 << 1)
    static let metaUUID = XFSIncompatFeatures(rawValue: 1 << 2)
    static let bigTime = XFSIncompatFeatures(rawValue: 1 << 3)
    static let needsRepair = XFSIncompatFeatures(rawValue: 1 << 4)
    static let nrext64 = XFSIncompatFeatures(rawValue: 1 << 5)
    static let exchangeRange = XFSIncompatFeatures(rawValue: 1 << 6)
    static let parentPointers = XFSIncompatFeatures(rawValue: 1 << 7)
    static let metadataDirectory = XFSIncompatFeatures(rawValue: 1 << 8)
    static let zoned = XFSIncompatFeatures(rawValue: 1 << 9)

    /// What this reader handles, and how:
    /// - fileType: directory entries carry a type byte; read it.
    /// - sparseInodes: inode chunks may be partly absent; an inode number still locates its inode.
    /// - metaUUID: metadata blocks are stamped with `sb_meta_uuid`, not `sb_uuid`.
    /// - bigTime: inodes with the bigtime flag store 64-bit nanosecond timestamps.
    /// - nrext64: inodes with the nrext64 flag keep a 64-bit data extent count at 0x18.
    /// - exchangeRange: only changes what the log may contain.
    /// - parentPointers: parent pointers are extended attributes; directories are unchanged.
    static let understood: XFSIncompatFeatures = [
        .fileType, .sparseInodes, .metaUUID, .bigTime, .nrext64, .exchangeRange, .parentPointers,
    ]

    static let names: [(XFSIncompatFeatures, String)] = [
        (.fileType, "ftype"), (.sparseInodes, "sparse inodes"), (.metaUUID, "meta_uuid"), (.bigTime, "bigtime"),
        (.needsRepair, "needsrepair"), (.nrext64, "nrext64"), (.exchangeRange, "exchange-range"),
        (.parentPointers, "parent pointers"), (.metadataDirectory, "metadir"), (.zoned, "zoned"),
    ]

    /// Names of the bits in `self` (unknown ones in hex).
    var featureNames: [String] {
        var rest = rawValue
        var out: [String] = []
        for (flag, name) in Self.names where contains(flag) {
            out.append(name)
            rest &= ~flag.rawValue
        }
        if rest != 0 { out.append("unknown 0x" + String(rest, radix: 16)) }
        return out
    }
}

/// `sb_features_ro_compat` (v5): all only describe allocation metadata (free inode btree, reverse
/// mapping, reference counts, inode btree counters), which a reader never consults; unknown bits
/// only forbid writing, so they are kept and ignored.
struct XFSROCompatFeatures: OptionSet, Sendable {
    let rawValue: UInt32
    static let freeInodeBtree = XFSROCompatFeatures(rawValue: 1 << 0)
    static let reverseMap = XFSROCompatFeatures(rawValue: 1 << 1)
    static let reflink = XFSROCompatFeatures(rawValue: 1 << 2)
    static let inodeBtreeCounts = XFSROCompatFeatures(rawValue: 1 << 3)
}

/// The primary superblock (`struct xfs_dsb`, sector 0 of AG 0), parsed and validated.
struct XFSSuperblock: Sendable {
    let blockSize: UInt32  // bytes, 512 … 65536
    let dataBlocks: UInt64
    let realtimeBlocks: UInt64
    let uuid: [UInt8]
    let rootInode: UInt64
    let agBlocks: UInt32
    let agCount: UInt32
    let version: UInt16  // 4 or 5
    let versionFlags: XFSVersionFlags
    let sectorSize: UInt16
    let inodeSize: UInt16
    let inodesPerBlock: UInt16
    let label: String
    let blockLog: UInt8
    let inodeLog: UInt8
    let inodesPerBlockLog: UInt8
    let agBlockLog: UInt8
    let directoryBlockLog: UInt8
    let features2: XFSFeatures2
    let roCompat: XFSROCompatFeatures
    let incompat: XFSIncompatFeatures
    /// The UUID stamped in metadata blocks: `sb_meta_uuid` when the meta_uuid feature is on.
    let metadataUUID: [UInt8]

    /// The superblock is one sector; v5 checksums `sb_sectsize` bytes.
    static let readSize = 512

    var isV5: Bool { version == 5 }
    var hasFileType: Bool { isV5 ? incompat.contains(.fileType) : features2.contains(.fileType) }
    var directoryBlockSize: Int { Int(blockSize) << Int(directoryBlockLog) }

    /// Parses the superblock from the first `sb_sectsize` bytes of the device.
    /// Throws `.badMagic` without "XFSB", `.corrupt` for a wrong v5 checksum or inconsistent
    /// geometry, `.unsupported` naming any feature this reader does not handle.
    init(_ bytes: [UInt8], base: UInt64 = 0) throws(ImageError) {
        let layer = XFS.layer
        var r = ByteReader(bytes, layer: layer, base: base)
        try r.expect(Array("XFSB".utf8), "superblock")  // 0x00 sb_magicnum
        blockSize = try r.u32be()  // 0x04 sb_blocksize
        dataBlocks = try r.u64be()  // 0x08 sb_dblocks
        realtimeBlocks = try r.u64be()  // 0x10 sb_rblocks
        _ = try r.u64be()  // 0x18 sb_rextents
        uuid = try r.bytes(16)  // 0x20 sb_uuid
        _ = try r.u64be()  // 0x30 sb_logstart
        rootInode = try r.u64be()  // 0x38 sb_rootino
        _ = try r.u64be()  // 0x40 sb_rbmino
        _ = try r.u64be()  // 0x48 sb_rsumino
        _ = try r.u32be()  // 0x50 sb_rextsize
        agBlocks = try r.u32be()  // 0x54 sb_agblocks
        agCount = try r.u32be()  // 0x58 sb_agcount
        _ = try r.u32be()  // 0x5C sb_rbmblocks
        _ = try r.u32be()  // 0x60 sb_logblocks
        let versionNumber = try r.u16be()  // 0x64 sb_versionnum
        version = versionNumber & 0x000F
        versionFlags = XFSVersionFlags(rawValue: versionNumber & 0xFFF0)
        sectorSize = try r.u16be()  // 0x66 sb_sectsize
        inodeSize = try r.u16be()  // 0x68 sb_inodesize
        inodesPerBlock = try r.u16be()  // 0x6A sb_inopblock
        let name = try r.bytes(12)  // 0x6C sb_fname
        label = String(decoding: name.prefix(while: { $0 != 0 }), as: UTF8.self)
        blockLog = try r.u8()  // 0x78 sb_blocklog
        _ = try r.u8()  // 0x79 sb_sectlog
        inodeLog = try r.u8()  // 0x7A sb_inodelog
        inodesPerBlockLog = try r.u8()  // 0x7B sb_inopblog
        agBlockLog = try r.u8()  // 0x7C sb_agblklog
        _ = try r.u8()  // 0x7D sb_rextslog
        let inProgress = try r.u8()  // 0x7E sb_inprogress
        try r.seek(to: 0xC0)
        directoryBlockLog = try r.u8()  // 0xC0 sb_dirblklog
        try r.seek(to: 0xC8)
        features2 = XFSFeatures2(rawValue: try r.u32be())  // 0xC8 sb_features2
        _ = try r.u32be()  // 0xCC sb_bad_features2

        func fail(_ kind: ImageError.Kind, _ detail: String, _ at: Int) -> ImageError {
            ImageError(layer, kind, detail, at: base + UInt64(at))
        }
        switch version {
        case 4:
            guard versionFlags.contains(.directoryV2) else {
                throw fail(.unsupported, "version 1 directories (pre-2002 XFS) are not supported", 0x64)
            }
            roCompat = []
            incompat = []
            metadataUUID = uuid
        case 5:
            _ = try r.u32be()  // 0xD0 sb_features_compat
            roCompat = XFSROCompatFeatures(rawValue: try r.u32be())  // 0xD4 sb_features_ro_compat
            incompat = XFSIncompatFeatures(rawValue: try r.u32be())  // 0xD8 sb_features_incompat
            _ = try r.u32be()  // 0xDC sb_features_log_incompat (log contents only; we never read the log)
            _ = try r.u32le()  // 0xE0 sb_crc
            _ = try r.u32be()  // 0xE4 sb_spino_align
            _ = try r.u64be()  // 0xE8 sb_pquotino
            _ = try r.u64be()  // 0xF0 sb_lsn
            let meta = try r.bytes(16)  // 0xF8 sb_meta_uuid
            metadataUUID = incompat.contains(.metaUUID) ? meta : uuid
            // Checked first, so a damaged superblock is reported as such rather than by a symptom.
            guard bytes.count >= Int(sectorSize), sectorSize >= 512,
                XFSChecksum.verify(Array(bytes.prefix(Int(sectorSize))), field: 0xE0)
            else {
                throw fail(.corrupt, "superblock checksum mismatch", 0xE0)
            }
            let refused = incompat.subtracting(XFSIncompatFeatures.understood)
            if !refused.isEmpty {
                throw fail(.unsupported, "incompatible features: " + refused.featureNames.joined(separator: ", "), 0xD8)
            }
        default:
            throw fail(.unsupported, "superblock version \(version)", 0x64)
        }

        // Geometry, checked before anything is computed from it.
        guard (9...16).contains(blockLog), blockSize == UInt32(1) << blockLog else {
            throw fail(.corrupt, "block size \(blockSize) (log \(blockLog))", 0x04)
        }
        guard [512, 1024, 2048, 4096, 8192, 16384, 32768].contains(sectorSize), UInt32(sectorSize) <= blockSize else {
            throw fail(.corrupt, "sector size \(sectorSize)", 0x66)
        }
        guard (8...11).contains(inodeLog), inodeSize == UInt16(1) << inodeLog, UInt32(inodeSize) <= blockSize,
            !(version == 5 && inodeSize < 512)
        else {
            throw fail(.corrupt, "inode size \(inodeSize) (log \(inodeLog))", 0x68)
        }
        guard inodesPerBlockLog == blockLog - inodeLog, inodesPerBlock == UInt16(1) << inodesPerBlockLog else {
            throw fail(.corrupt, "\(inodesPerBlock) inodes per block (log \(inodesPerBlockLog))", 0x6A)
        }
        guard agCount > 0, agCount <= 1 << 24 else { throw fail(.corrupt, "agcount \(agCount)", 0x58) }
        guard agBlocks >= 5, agBlockLog <= 31, agBlocks <= UInt32(1) << agBlockLog,
            agBlockLog == 0 || agBlocks > UInt32(1) << (agBlockLog - 1)
        else {
            throw fail(.corrupt, "agblocks \(agBlocks) (log \(agBlockLog))", 0x54)
        }
        guard Int(agBlockLog) + Int(inodesPerBlockLog) <= 56 else {
            throw fail(.corrupt, "agblklog \(agBlockLog) + inopblog \(inodesPerBlockLog) too large", 0x7C)
        }
        let maxBlocks = UInt64(agCount) * UInt64(agBlocks)
        guard dataBlocks > 0, dataBlocks <= maxBlocks, dataBlocks > maxBlocks - UInt64(agBlocks) else {
            throw fail(.corrupt, "dblocks \(dataBlocks) does not fit \(agCount) AGs of \(agBlocks) blocks", 0x08)
        }
        guard Int(blockLog) + Int(directoryBlockLog) <= 16 else {
            throw fail(.corrupt, "directory block log \(directoryBlockLog)", 0xC0)
        }
        guard inProgress == 0 else { throw fail(.unsupported, "mkfs.xfs did not finish (sb_inprogress)", 0x7E) }

        _ = try inodeOffset(rootInode, referencedAt: 0x38)
    }
}
