import BlockIO

// GUID Partition Table (UEFI 2.10, chapter 5.3).
//
//   LBA 0        protective MBR (one entry of type 0xEE)
//   LBA 1        primary header  "EFI PART", header CRC32, my LBA, alternate LBA, entry array LBA,
//                                entry count × entry size, entry array CRC32
//   LBA 2…       primary entry array (128-byte entries: type GUID, unique GUID, first/last LBA,
//                                     attributes, UTF-16LE name)
//   …            partitions
//   LBA n−33…    backup entry array
//   LBA n−1      backup header (my LBA = n−1, entry array LBA = the backup array)
//
// The primary is used when its header and entry array CRCs hold; otherwise the backup at the
// primary's alternate LBA, else at the last LBA. Sector size 512, or 4096 when the header is found there.

/// A GPT: disk GUID, sector size, and the used entries as `Partition`s numbered by slot (1-based).
public struct GPTPartitionTable: Sendable {
    /// The disk GUID, lower case, as `blkid` prints PTUUID.
    public let diskGUID: String
    /// 512 or 4096.
    public let sectorSize: UInt64
    public let partitions: [Partition]
    /// Set when the primary header or its entries were damaged and the backup was used: why.
    public let primaryDamage: ImageError?
    /// LBA of the header that was used.
    public let headerLBA: UInt64

    /// True when "EFI PART" is at LBA 1 for 512- or 4096-byte sectors; pure and cheap.
    public static func matches(_ head: [UInt8]) -> Bool {
        let sig = Array("EFI PART".utf8)
        if head.count >= 520, Array(head[512..<520]) == sig { return true }
        if head.count >= 4104, Array(head[4096..<4104]) == sig { return true }
        return false
    }

    /// Reads the primary header and entries, falling back to the backup when the primary is
    /// damaged. Throws `ImageError` (layer `gpt`) when neither copy is valid (the primary's error
    /// is named), or an entry lies outside the disk.
    public init(device: any BlockDevice) throws {
        let sectorSize = try Self.detectSectorSize(device)
        guard device.size >= 3 * sectorSize else {
            throw ImageError("gpt", .truncated, "disk of \(device.size) bytes is too small for a GPT", at: 0)
        }
        let lastLBA = device.size / sectorSize - 1
        let primary: (GPTHeader, [GPTEntry?])
        var damage: ImageError? = nil
        do {
            primary = try Self.readCopy(device, lba: 1, sectorSize: sectorSize)
        } catch let e as ImageError {
            damage = e
            // The primary's alternate LBA cannot be trusted when the primary is bad: use the last LBA,
            // as the UEFI spec and Linux's `find_valid_gpt` do.
            do {
                primary = try Self.readCopy(device, lba: lastLBA, sectorSize: sectorSize)
            } catch let backup as ImageError {
                throw ImageError(
                    "gpt", e.kind,
                    "primary header invalid (\(e.detail)) and backup header invalid (\(backup.detail))",
                    at: e.offset)
            }
        }
        let (header, entries) = primary
        var parts: [Partition] = []
        for (slot, entry) in entries.enumerated() {
            guard let entry else { continue }
            let at = header.entryArrayLBA * sectorSize + UInt64(slot) * UInt64(header.entrySize)
            guard entry.lastLBA <= lastLBA, entry.firstLBA >= 1 else {
                throw ImageError(
                    "gpt", .truncated,
                    "entry \(slot + 1) (LBA \(entry.firstLBA)–\(entry.lastLBA)) lies outside the disk of \(lastLBA + 1) sectors",
                    at: at + 0x20)
            }
            parts.append(
                Partition(
                    scheme: .gpt, number: slot + 1, start: entry.firstLBA * sectorSize,
                    size: (entry.lastLBA - entry.firstLBA + 1) * sectorSize,
                    type: UUIDText(entry.typeGUID, layout: .mixedEndian).description,
                    uuid: UUIDText(entry.uniqueGUID, layout: .mixedEndian).description, name: entry.name))
        }
        self.sectorSize = sectorSize
        self.diskGUID = UUIDText(header.diskGUID, layout: .mixedEndian).description
        self.partitions = parts
        self.primaryDamage = damage
        self.headerLBA = header.myLBA
    }

    /// 4096 when "EFI PART" is at byte 4096 and not at 512, else 512.
    private static func detectSectorSize(_ device: any BlockDevice) throws -> UInt64 {
        let sig = Array("EFI PART".utf8)
        if device.size >= 1024, try device.read(at: 512, count: 8, layer: "gpt") == sig { return 512 }
        if device.size >= 8192, try device.read(at: 4096, count: 8, layer: "gpt") == sig { return 4096 }
        return 512
    }

    /// One header and its entry array (slots in order, nil for unused ones), both CRC-checked.
    private static func readCopy(_ device: any BlockDevice, lba: UInt64, sectorSize: UInt64)
        throws -> (GPTHeader, [GPTEntry?])
    {
        let offset = try Checked.mul(lba, sectorSize, "gpt")
        let sector = try device.read(at: offset, count: Int(sectorSize), layer: "gpt")
        let header = try GPTHeader(sector, expectedLBA: lba, sectorSize: sectorSize, base: offset)
        let arrayOffset = try Checked.mul(header.entryArrayLBA, sectorSize, "gpt", at: offset + 0x48)
        try device.checkRange(arrayOffset, UInt64(header.entryArrayBytes), layer: "gpt")
        let array = try device.read(at: arrayOffset, count: header.entryArrayBytes, layer: "gpt")
        let crc = CRC32.ieee(array)
        guard crc == header.entryArrayCRC else {
            throw ImageError(
                "gpt", .corrupt,
                "entry array CRC32 0x\(hex8(header.entryArrayCRC)) does not match the computed 0x\(hex8(crc))",
                at: offset + 0x58)
        }
        var r = ByteReader(array, layer: "gpt", base: arrayOffset)
        var entries: [GPTEntry?] = []
        entries.reserveCapacity(Int(header.entryCount))
        for _ in 0..<header.entryCount { entries.append(try GPTEntry(&r, entrySize: Int(header.entrySize))) }
        return (header, entries)
    }
}
