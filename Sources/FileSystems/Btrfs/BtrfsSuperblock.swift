import BlockIO

/// The btrfs superblock (`struct btrfs_super_block`, 4096 bytes at 64 KiB and its mirrors).
///
/// Validated on parse: magic, crc32c checksum over bytes 0x20..<0x1000, `bytenr` equal to where
/// it was read, power-of-two sector and node sizes, tree levels ≤ 8, known incompat bits, and the
/// sys_chunk_array parsed into bootstrap chunks.
struct BtrfsSuperblock: Sendable {
    struct Incompat: OptionSet, Sendable {
        let rawValue: UInt64
        static let mixedBackref = Incompat(rawValue: 0x1)
        static let defaultSubvol = Incompat(rawValue: 0x2)
        static let mixedGroups = Incompat(rawValue: 0x4)
        static let compressLZO = Incompat(rawValue: 0x8)
        static let compressZSTD = Incompat(rawValue: 0x10)
        static let bigMetadata = Incompat(rawValue: 0x20)
        static let extendedIref = Incompat(rawValue: 0x40)
        static let raid56 = Incompat(rawValue: 0x80)
        static let skinnyMetadata = Incompat(rawValue: 0x100)
        static let noHoles = Incompat(rawValue: 0x200)
        static let metadataUUID = Incompat(rawValue: 0x400)
        static let raid1c34 = Incompat(rawValue: 0x800)
        static let zoned = Incompat(rawValue: 0x1000)
        static let extentTreeV2 = Incompat(rawValue: 0x2000)
        static let raidStripeTree = Incompat(rawValue: 0x4000)
        static let simpleQuota = Incompat(rawValue: 0x10000)
        /// Bits that do not change how a reader finds files. RAID56/RAID1C34 chunks are refused
        /// per chunk with the profile named.
        static let understood: Incompat = [
            .mixedBackref, .defaultSubvol, .mixedGroups, .compressLZO, .compressZSTD, .bigMetadata,
            .extendedIref, .raid56, .skinnyMetadata, .noHoles, .metadataUUID, .raid1c34, .zoned, .simpleQuota,
        ]
    }

    /// Device offset this copy was read from.
    let offset: UInt64
    let fsid: [UInt8]
    let generation: UInt64
    let rootTree: UInt64
    let chunkTree: UInt64
    let totalBytes: UInt64
    let rootDirObjectID: UInt64
    let numDevices: UInt64
    let sectorSize: UInt32
    let nodeSize: UInt32
    let incompat: Incompat
    let rootLevel: UInt8
    let chunkRootLevel: UInt8
    /// `dev_item.devid`: this device's id in the stripes of chunk items.
    let deviceID: UInt64
    let label: String
    /// The fsid tree blocks carry (metadata_uuid when that incompat bit is set).
    let metadataUUID: [UInt8]
    let systemChunks: [BtrfsChunk]

    init(_ bytes: [UInt8], at offset: UInt64) throws {
        let layer = Btrfs.layer
        guard bytes.count == Btrfs.superblockSize else {
            throw ImageError(layer, .truncated, "superblock is \(bytes.count) bytes", at: offset)
        }
        var r = ByteReader(bytes, layer: layer, base: offset)
        let csum = try r.bytes(32)  // 0x00 csum
        fsid = try r.bytes(16)  // 0x20 fsid
        let bytenr = try r.u64le()  // 0x30 bytenr
        _ = try r.u64le()  // 0x38 flags
        try r.expect(Btrfs.magic, "superblock")  // 0x40 magic "_BHRfS_M"
        generation = try r.u64le()  // 0x48
        rootTree = try r.u64le()  // 0x50 root
        chunkTree = try r.u64le()  // 0x58 chunk_root
        _ = try r.u64le()  // 0x60 log_root
        _ = try r.u64le()  // 0x68 log_root_transid
        totalBytes = try r.u64le()  // 0x70 total_bytes
        _ = try r.u64le()  // 0x78 bytes_used
        rootDirObjectID = try r.u64le()  // 0x80 root_dir_objectid
        numDevices = try r.u64le()  // 0x88 num_devices
        sectorSize = try r.u32le()  // 0x90 sectorsize
        nodeSize = try r.u32le()  // 0x94 nodesize
        _ = try r.u32le()  // 0x98 leafsize (deprecated)
        _ = try r.u32le()  // 0x9c stripesize
        let sysArraySize = try r.u32le()  // 0xa0 sys_chunk_array_size
        _ = try r.u64le()  // 0xa4 chunk_root_generation
        _ = try r.u64le()  // 0xac compat_flags
        _ = try r.u64le()  // 0xb4 compat_ro_flags
        let incompatBits = try r.u64le()  // 0xbc incompat_flags
        let csumType = try r.u16le()  // 0xc4 csum_type
        rootLevel = try r.u8()  // 0xc6 root_level
        chunkRootLevel = try r.u8()  // 0xc7 chunk_root_level
        _ = try r.u8()  // 0xc8 log_root_level
        deviceID = try r.u64le()  // 0xc9 dev_item.devid (98-byte dev_item)
        try r.seek(to: 0x12B)
        let labelBytes = try r.bytes(256)  // 0x12b label
        label = String(decoding: labelBytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        try r.seek(to: 0x23B)
        let metaUUID = try r.bytes(16)  // 0x23b metadata_uuid
        try r.seek(to: 0x32B)
        var sysArray = try r.sub(2048)  // 0x32b sys_chunk_array[2048]

        guard csumType == 0 else {
            let names: [UInt16: String] = [1: "xxhash64", 2: "sha256", 3: "blake2b"]
            throw ImageError(
                layer, .unsupported, "checksum type \(names[csumType] ?? String(csumType)) (only crc32c is read)",
                at: offset + 0xC4)
        }
        let stored = UInt32(csum[0]) | UInt32(csum[1]) << 8 | UInt32(csum[2]) << 16 | UInt32(csum[3]) << 24
        let computed = BtrfsCRC32C.checksum(bytes, from: 0x20)
        guard stored == computed else {
            throw ImageError(
                layer, .corrupt,
                "superblock checksum mismatch (stored \(Btrfs.hex(stored)), computed \(Btrfs.hex(computed)))",
                at: offset)
        }
        guard bytenr == offset else {
            throw ImageError(layer, .corrupt, "superblock copy at \(offset) says it is at \(bytenr)", at: offset + 0x30)
        }
        guard sectorSize >= 512, sectorSize <= 65536, sectorSize.nonzeroBitCount == 1 else {
            throw ImageError(layer, .corrupt, "sector size \(sectorSize)", at: offset + 0x90)
        }
        guard nodeSize >= sectorSize, nodeSize >= 4096, nodeSize <= 65536, nodeSize.nonzeroBitCount == 1 else {
            throw ImageError(layer, .corrupt, "node size \(nodeSize)", at: offset + 0x94)
        }
        guard rootLevel < Btrfs.maxLevel, chunkRootLevel < Btrfs.maxLevel else {
            throw ImageError(layer, .corrupt, "tree level \(max(rootLevel, chunkRootLevel)) above 7", at: offset + 0xC6)
        }
        incompat = Incompat(rawValue: incompatBits)
        let unknown = incompat.subtracting(.understood)
        guard unknown.isEmpty else {
            var what = "0x" + String(unknown.rawValue, radix: 16)
            if unknown.contains(.extentTreeV2) { what += " (extent tree v2)" }
            if unknown.contains(.raidStripeTree) { what += " (raid stripe tree)" }
            throw ImageError(layer, .unsupported, "incompat feature bits \(what)", at: offset + 0xBC)
        }
        metadataUUID = incompat.contains(.metadataUUID) ? metaUUID : fsid
        guard sysArraySize <= 2048 else {
            throw ImageError(layer, .corrupt, "sys_chunk_array_size \(sysArraySize) above 2048", at: offset + 0xA0)
        }
        var sys = try sysArray.sub(Int(sysArraySize))
        var chunks: [BtrfsChunk] = []
        while !sys.isAtEnd {
            let keyAt = sys.offset
            let key = try BtrfsKey(&sys)
            guard key.type == Btrfs.chunkItem else {
                throw ImageError(layer, .corrupt, "sys_chunk_array holds key type \(key.type)", at: keyAt)
            }
            chunks.append(try BtrfsChunk(logical: key.offset, &sys))
        }
        guard !chunks.isEmpty else {
            throw ImageError(layer, .corrupt, "empty sys_chunk_array", at: offset + 0x32B)
        }
        systemChunks = chunks
        self.offset = offset
    }

    /// Reads the primary superblock, or, when it is unusable, the newest valid mirror that fits
    /// on the device. Throws the primary's error when no copy is valid.
    static func read(from device: any BlockDevice) throws -> BtrfsSuperblock {
        var firstError: Error?
        var best: BtrfsSuperblock?
        for (i, offset) in Btrfs.superblockOffsets.enumerated() {
            guard offset + UInt64(Btrfs.superblockSize) <= device.size else { break }
            do {
                let sb = try BtrfsSuperblock(
                    device.read(at: offset, count: Btrfs.superblockSize, layer: Btrfs.layer), at: offset)
                if i == 0 { return sb }
                if best.map({ sb.generation > $0.generation }) ?? true { best = sb }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let best { return best }
        throw firstError ?? ImageError(Btrfs.layer, .truncated, "device too small for a superblock", at: 0x1_0000)
    }
}
