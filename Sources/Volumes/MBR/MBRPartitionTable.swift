import BlockIO

// Master Boot Record (the IBM PC / "DOS" partition table), as Linux reads it (block/partitions/msdos.c).
//
//   sector 0 (512 bytes)
//   ┌──────────────────────┬───────────────┬────┬──────────────────────────┬───────┐
//   │ boot code 0x000–0x1B7│ disk signature│ 0  │ 4 entries × 16 @ 0x1BE    │ 55 AA │
//   │                      │ u32le @ 0x1B8 │    │ status,CHS,type,CHS,LBA,n │ 0x1FE │
//   └──────────────────────┴───────────────┴────┴──────────────────────────┴───────┘
//   extended partition (type 0x05/0x0F/0x85) → chain of EBRs, each an MBR-shaped sector:
//     entry 0: the logical partition, start relative to this EBR
//     entry 1: the next EBR, start relative to the extended partition's start
//   Logical partitions are numbered from 5 in chain order, as Linux names them (sda5, sda6 …).

/// An MBR partition table: the primary entries, the logical partitions of the EBR chain, and the
/// disk signature. Sector size 512.
public struct MBRPartitionTable: Sendable {
    public static let sectorSize: UInt64 = 512
    /// The most EBRs followed before the chain is declared corrupt (Linux's limit of 256 partitions).
    public static let maximumLogicalPartitions = 256

    /// The 32-bit disk signature at 0x1B8 (Linux's PARTUUID prefix).
    public let diskSignature: UInt32
    /// Every non-empty entry: primaries 1–4 (including an extended container, whose `type` is
    /// `0x05`, `0x0f` or `0x85`) and logical partitions from 5, in on-disk order.
    public let partitions: [Partition]
    /// True when a primary entry has type 0xEE: the disk is GPT and this MBR only protects it.
    public let isProtective: Bool

    /// True when `sector0` ends with 0x55AA, every boot indicator is 0x00 or 0x80, at least one
    /// entry is used, and the sector is not a FAT/NTFS boot sector of a whole-disk file system.
    public static func matches(_ sector0: [UInt8]) -> Bool {
        guard sector0.count >= 512, sector0[510] == 0x55, sector0[511] == 0xAA else { return false }
        if looksLikeBootSector(sector0) { return false }
        var used = false
        for i in 0..<4 {
            let e = 446 + 16 * i
            guard sector0[e] == 0 || sector0[e] == 0x80 else { return false }
            if sector0[e + 4] != 0 { used = true }
        }
        return used
    }

    /// A FAT or NTFS volume boot record also ends in 0x55AA; its file system type strings tell it apart.
    private static func looksLikeBootSector(_ s: [UInt8]) -> Bool {
        func at(_ o: Int, _ text: String) -> Bool { Array(s[o..<o + text.utf8.count]) == Array(text.utf8) }
        guard s[0] == 0xEB || s[0] == 0xE9 else { return false }
        return at(0x36, "FAT") || at(0x52, "FAT32") || at(0x03, "NTFS    ") || at(0x03, "EXFAT   ")
    }

    /// Parses sector 0 of `device` and follows the EBR chain of every extended partition.
    /// Throws `ImageError` (layer `mbr`) for a bad sector, a partition past the end of the disk,
    /// an EBR loop (`.loop`) or an over-long chain (`.limitExceeded`).
    public init(device: any BlockDevice) throws {
        var r = try device.reader(at: 0, count: 512, layer: "mbr")
        try r.seek(to: 0x1B8)
        diskSignature = try r.u32le()  // 0x1B8
        try r.seek(to: 0x1FE)
        try r.expect([0x55, 0xAA], "MBR boot signature")  // 0x1FE
        try r.seek(to: 0x1BE)
        var primaries: [MBREntry] = []
        for _ in 0..<4 { primaries.append(try MBREntry(&r)) }  // 0x1BE + 16 × i

        let sectors = device.size / Self.sectorSize
        var found: [Partition] = []
        var protective = false
        for (i, e) in primaries.enumerated() where !e.isEmpty {
            if e.type == MBREntry.protectiveType {
                protective = true
                continue
            }
            let at = 0x1BE + UInt64(16 * i)
            try Self.checkFits(UInt64(e.startSector), UInt64(e.sectorCount), sectors, number: i + 1, at: at)
            found.append(Self.partition(i + 1, UInt64(e.startSector), UInt64(e.sectorCount), e.type, diskSignature))
        }
        var next = 5
        for e in primaries where !e.isEmpty && e.isExtended {
            try Self.readLogicals(
                device, extendedStart: UInt64(e.startSector), sectors: sectors,
                signature: diskSignature, next: &next, into: &found)
        }
        partitions = found
        isProtective = protective
    }

    private static func partition(_ n: Int, _ start: UInt64, _ count: UInt64, _ type: UInt8, _ sig: UInt32) -> Partition
    {
        Partition(
            scheme: .mbr, number: n, start: start * sectorSize, size: count * sectorSize,
            type: hex2(type, prefix: true), uuid: hex8(sig) + "-" + hex2(UInt8(truncatingIfNeeded: n)))
    }

    private static func checkFits(_ start: UInt64, _ count: UInt64, _ sectors: UInt64, number: Int, at: UInt64) throws {
        guard start > 0, start + count <= sectors else {
            throw ImageError(
                "mbr", .truncated,
                "partition \(number) (sectors \(start)+\(count)) lies outside the disk of \(sectors) sectors", at: at)
        }
    }

    /// Walks the EBR chain of one extended partition (`extendedStart` in sectors), bounded and loop-checked.
    private static func readLogicals(
        _ device: any BlockDevice, extendedStart: UInt64, sectors: UInt64,
        signature: UInt32, next: inout Int, into found: inout [Partition]
    ) throws {
        var ebr = extendedStart
        var visited: Set<UInt64> = []
        for hop in 0...maximumLogicalPartitions {
            guard hop < maximumLogicalPartitions else {
                throw ImageError(
                    "mbr", .limitExceeded, "more than \(maximumLogicalPartitions) EBRs in the extended partition",
                    at: ebr * sectorSize)
            }
            guard visited.insert(ebr).inserted else {
                throw ImageError("mbr", .loop, "EBR chain returns to sector \(ebr)", at: ebr * sectorSize)
            }
            guard ebr < sectors else {
                throw ImageError(
                    "mbr", .truncated, "EBR at sector \(ebr) lies past the end of the disk", at: ebr * sectorSize)
            }
            let bytes = try device.read(at: ebr * sectorSize, count: 512, layer: "mbr")
            guard bytes[510] == 0x55, bytes[511] == 0xAA else {
                // An extended partition without any logical one may hold a zeroed first EBR.
                if hop == 0, bytes.allSatisfy({ $0 == 0 }) { return }
                throw ImageError("mbr", .badMagic, "EBR without the 0x55AA signature", at: ebr * sectorSize + 510)
            }
            var r = ByteReader(bytes, layer: "mbr", base: ebr * sectorSize)
            try r.seek(to: 0x1BE)
            let data = try MBREntry(&r)  // 0x1BE: the logical partition
            let link = try MBREntry(&r)  // 0x1CE: the next EBR
            if !data.isEmpty {
                let start = ebr + UInt64(data.startSector)
                try checkFits(start, UInt64(data.sectorCount), sectors, number: next, at: r.base + 0x1BE)
                found.append(partition(next, start, UInt64(data.sectorCount), data.type, signature))
                next += 1
            }
            guard !link.isEmpty, link.isExtended else { return }
            ebr = extendedStart + UInt64(link.startSector)
        }
    }
}
