import BlockIO

/// One 16-byte partition entry of an MBR or EBR sector (offsets relative to the entry).
struct MBREntry: Sendable, Equatable {
    /// 0x00 boot indicator: 0x00 or 0x80.
    let status: UInt8
    /// 0x04 partition type byte.
    let type: UInt8
    /// 0x08 first sector, relative to the MBR (primary) or to the EBR / extended partition (logical).
    let startSector: UInt32
    /// 0x0C number of sectors.
    let sectorCount: UInt32

    /// Extended-partition container types (DOS 0x05, Windows LBA 0x0F, Linux 0x85).
    static let extendedTypes: Set<UInt8> = [0x05, 0x0F, 0x85]
    /// Types that hold other partitions or a GPT, never a file system: the extended ones and the
    /// GPT-protective 0xEE.
    static let containerTypes = extendedTypes.union([0xEE])
    /// The protective entry of a GPT disk.
    static let protectiveType: UInt8 = 0xEE

    init(_ r: inout ByteReader) throws(ImageError) {
        let at = r.offset
        status = try r.u8()  // 0x00
        try r.skip(3)  // 0x01 CHS of the first sector (ignored: LBA is authoritative)
        type = try r.u8()  // 0x04
        try r.skip(3)  // 0x05 CHS of the last sector
        startSector = try r.u32le()  // 0x08
        sectorCount = try r.u32le()  // 0x0C
        guard status == 0 || status == 0x80 else {
            throw ImageError(
                "mbr", .corrupt, "boot indicator 0x\(String(status, radix: 16)) is neither 0x00 nor 0x80", at: at)
        }
    }

    var isEmpty: Bool { type == 0 || sectorCount == 0 }
    var isExtended: Bool { MBREntry.extendedTypes.contains(type) }
}
