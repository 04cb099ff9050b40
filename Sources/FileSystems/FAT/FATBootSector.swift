import BlockIO

/// FAT12, FAT16 or FAT32, decided as Linux's `fat_fill_super` does: a zero 16-bit FAT size
/// (`BPB_FATSz16`) means FAT32 whatever the cluster count (mkfs.fat makes small FAT32 volumes);
/// otherwise fewer than 4085 data clusters is FAT12 and more is FAT16 (Microsoft "FAT32 File System
/// Specification" 1.03, section 3.5).
enum FATKind: Sendable, Equatable {
    case fat12, fat16, fat32
}

/// The boot sector and BIOS parameter block, validated, with the derived layout.
struct FATBootSector: Sendable {
    let bytesPerSector: Int
    let sectorsPerCluster: Int
    let reservedSectors: UInt64
    let fatCount: Int
    let rootEntryCount: Int
    let totalSectors: UInt64
    let sectorsPerFAT: UInt64
    /// FAT32 `BPB_ExtFlags`: when mirroring is off, the one active FAT.
    let activeFAT: Int
    let rootCluster: UInt32
    let volumeID: UInt32
    /// `BS_VolLab`, trailing spaces removed.
    let label: [UInt8]

    let kind: FATKind
    let clusterCount: UInt32
    var clusterSize: Int { bytesPerSector * sectorsPerCluster }
    var fatOffset: UInt64 { (reservedSectors + UInt64(activeFAT) * sectorsPerFAT) * UInt64(bytesPerSector) }
    var rootDirectoryOffset: UInt64 {
        (reservedSectors + UInt64(fatCount) * sectorsPerFAT) * UInt64(bytesPerSector)
    }
    let dataOffset: UInt64

    /// Cheap plausibility check of a boot sector (jump, signature, power-of-two geometry).
    static func looksValid(_ b: [UInt8]) -> Bool {
        guard b.count >= 512, b[510] == 0x55, b[511] == 0xAA, b[0] == 0xEB || b[0] == 0xE9 else { return false }
        let bps = Int(b[11]) | Int(b[12]) << 8
        let spc = Int(b[13])
        let fats = Int(b[16])
        let media = b[21]
        let oem = Array(b[3..<11])
        // NTFS and exFAT share the signature and jump but not the BPB.
        if oem == Array("NTFS    ".utf8) || oem == Array("EXFAT   ".utf8) { return false }
        return [512, 1024, 2048, 4096].contains(bps) && spc > 0 && spc & (spc - 1) == 0
            && (1...4).contains(fats) && (media == 0xF0 || media >= 0xF8)
    }

    init(_ r: inout ByteReader) throws {
        let layer = r.layer
        let base = r.offset
        try r.skip(11)  // 0x00 BS_jmpBoot, 0x03 BS_OEMName
        let bps = try r.u16le()  // 0x0B BPB_BytsPerSec
        let spc = try r.u8()  // 0x0D BPB_SecPerClus
        let reserved = try r.u16le()  // 0x0E BPB_RsvdSecCnt
        let fats = try r.u8()  // 0x10 BPB_NumFATs
        let rootEntries = try r.u16le()  // 0x11 BPB_RootEntCnt
        let total16 = try r.u16le()  // 0x13 BPB_TotSec16
        try r.skip(1)  // 0x15 BPB_Media
        let fatSize16 = try r.u16le()  // 0x16 BPB_FATSz16
        try r.skip(8)  // 0x18 BPB_SecPerTrk, BPB_NumHeads, BPB_HiddSec
        let total32 = try r.u32le()  // 0x20 BPB_TotSec32
        let fatSize32 = try r.u32le()  // 0x24 BPB_FATSz32 (FAT32 only)
        let extFlags = try r.u16le()  // 0x28 BPB_ExtFlags (FAT32 only)
        try r.skip(2)  // 0x2A BPB_FSVer
        let rootClusterField = try r.u32le()  // 0x2C BPB_RootClus (FAT32 only)

        guard [512, 1024, 2048, 4096].contains(Int(bps)) else {
            throw ImageError(layer, .unsupported, "bytes per sector \(bps)", at: base + 0x0B)
        }
        guard spc > 0, spc & (spc - 1) == 0, Int(spc) * Int(bps) <= 256 << 10 else {
            throw ImageError(layer, .corrupt, "sectors per cluster \(spc)", at: base + 0x0D)
        }
        guard reserved > 0 else { throw ImageError(layer, .corrupt, "no reserved sectors", at: base + 0x0E) }
        guard (1...4).contains(fats) else {
            throw ImageError(layer, .corrupt, "\(fats) FATs", at: base + 0x10)
        }
        bytesPerSector = Int(bps)
        sectorsPerCluster = Int(spc)
        reservedSectors = UInt64(reserved)
        fatCount = Int(fats)
        rootEntryCount = Int(rootEntries)
        totalSectors = total16 != 0 ? UInt64(total16) : UInt64(total32)
        sectorsPerFAT = fatSize16 != 0 ? UInt64(fatSize16) : UInt64(fatSize32)
        guard sectorsPerFAT > 0 else { throw ImageError(layer, .corrupt, "FAT size 0", at: base + 0x16) }

        // Derived layout (spec 3.5): root directory sectors, data sectors, cluster count.
        let rootSectors = (UInt64(rootEntries) * 32 + UInt64(bps) - 1) / UInt64(bps)
        let metaSectors = reservedSectors + UInt64(fats) * sectorsPerFAT + rootSectors
        guard metaSectors < totalSectors else {
            throw ImageError(
                layer, .corrupt, "\(metaSectors) metadata sectors in a volume of \(totalSectors)", at: base + 0x13)
        }
        let clusters = (totalSectors - metaSectors) / UInt64(spc)
        clusterCount = UInt32(min(clusters, 0x0FFF_FFF5))
        kind = fatSize16 == 0 ? .fat32 : clusters < 4085 ? .fat12 : .fat16
        dataOffset = metaSectors * UInt64(bps)

        // The FAT must have an entry for every cluster.
        let entryBits: UInt64 = kind == .fat12 ? 12 : kind == .fat16 ? 16 : 32
        guard (UInt64(clusterCount) + 2) * entryBits <= sectorsPerFAT * UInt64(bps) * 8 else {
            throw ImageError(
                layer, .corrupt, "FAT of \(sectorsPerFAT) sectors cannot map \(clusterCount) clusters", at: base + 0x16)
        }

        if kind == .fat32 {
            guard rootEntries == 0, fatSize16 == 0 else {
                throw ImageError(layer, .corrupt, "FAT32 with a fixed root directory", at: base + 0x11)
            }
            activeFAT = extFlags & 0x80 != 0 ? Int(extFlags & 0x0F) : 0
            guard activeFAT < fatCount else {
                throw ImageError(layer, .corrupt, "active FAT \(activeFAT) of \(fatCount)", at: base + 0x28)
            }
            rootCluster = rootClusterField
            guard rootCluster >= 2, rootCluster < clusterCount + 2 else {
                throw ImageError(layer, .corrupt, "root cluster \(rootCluster)", at: base + 0x2C)
            }
            try r.seek(to: 0x42)
        } else {
            guard rootEntries > 0 else {
                throw ImageError(layer, .corrupt, "FAT12/16 without root directory entries", at: base + 0x11)
            }
            activeFAT = 0
            rootCluster = 0
            try r.seek(to: 0x26)
        }
        let signature = try r.u8()  // 0x26 / 0x42 BS_BootSig
        let id = try r.u32le()  // 0x27 / 0x43 BS_VolID
        let rawLabel = try r.bytes(11)  // 0x2B / 0x47 BS_VolLab
        // Without the extended signature (0x29) neither the serial nor the label exist.
        let hasExtended = signature == 0x29 || signature == 0x28
        volumeID = hasExtended ? id : 0
        label = hasExtended ? Array(rawLabel.reversed().drop { $0 == 0x20 || $0 == 0 }.reversed()) : []
    }
}
