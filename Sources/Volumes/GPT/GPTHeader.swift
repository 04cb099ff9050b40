import BlockIO

/// A GPT header (UEFI 2.10, 5.3.2 "GPT Header"), validated: signature, header size, header CRC32
/// (computed with the CRC field zeroed), its own LBA, and a bounded entry array.
struct GPTHeader: Sendable {
    /// The largest entry array accepted (Linux allows any size; 1 MiB is 8192 entries of 128 bytes).
    static let maximumEntryArrayBytes = 1 << 20

    let revision: UInt32
    let headerSize: UInt32
    let myLBA: UInt64
    let alternateLBA: UInt64
    let firstUsableLBA: UInt64
    let lastUsableLBA: UInt64
    let diskGUID: [UInt8]
    let entryArrayLBA: UInt64
    let entryCount: UInt32
    let entrySize: UInt32
    let entryArrayCRC: UInt32

    /// Parses the header in `sector`, read from LBA `expectedLBA` (device offset `r.base`).
    init(_ sector: [UInt8], expectedLBA: UInt64, sectorSize: UInt64, base: UInt64) throws(ImageError) {
        var r = ByteReader(sector, layer: "gpt", base: base)
        try r.expect(Array("EFI PART".utf8), "GPT header")  // 0x00 signature
        revision = try r.u32le()  // 0x08
        headerSize = try r.u32le()  // 0x0C
        let crc = try r.u32le()  // 0x10
        try r.skip(4)  // 0x14 reserved
        myLBA = try r.u64le()  // 0x18
        alternateLBA = try r.u64le()  // 0x20
        firstUsableLBA = try r.u64le()  // 0x28
        lastUsableLBA = try r.u64le()  // 0x30
        diskGUID = try r.bytes(16)  // 0x38
        entryArrayLBA = try r.u64le()  // 0x48
        entryCount = try r.u32le()  // 0x50
        entrySize = try r.u32le()  // 0x54
        entryArrayCRC = try r.u32le()  // 0x58

        guard headerSize >= 92, UInt64(headerSize) <= sectorSize, Int(headerSize) <= sector.count else {
            throw ImageError("gpt", .corrupt, "header size \(headerSize) outside 92…\(sectorSize)", at: base + 0x0C)
        }
        var zeroed = Array(sector[0..<Int(headerSize)])
        zeroed.replaceSubrange(0x10..<0x14, with: [0, 0, 0, 0])
        let computed = CRC32.ieee(zeroed)
        guard computed == crc else {
            throw ImageError(
                "gpt", .corrupt,
                "header CRC32 0x\(hex8(crc)) does not match the computed 0x\(hex8(computed))", at: base + 0x10)
        }
        guard myLBA == expectedLBA else {
            throw ImageError(
                "gpt", .corrupt, "header at LBA \(expectedLBA) says it is at LBA \(myLBA)", at: base + 0x18)
        }
        guard entrySize >= 128, entrySize % 128 == 0 else {
            throw ImageError(
                "gpt", .corrupt, "partition entry size \(entrySize) is not a multiple of 128", at: base + 0x54)
        }
        let bytes = UInt64(entryCount) * UInt64(entrySize)
        guard bytes <= UInt64(Self.maximumEntryArrayBytes) else {
            throw ImageError(
                "gpt", .limitExceeded,
                "\(entryCount) entries of \(entrySize) bytes exceed \(Self.maximumEntryArrayBytes) bytes",
                at: base + 0x50)
        }
        // An empty usable range (first == last + 1) is valid; written without `last + 1`, which overflows at 2^64 − 1.
        guard firstUsableLBA <= lastUsableLBA || firstUsableLBA - lastUsableLBA == 1 else {
            throw ImageError(
                "gpt", .corrupt, "first usable LBA \(firstUsableLBA) after last usable \(lastUsableLBA)",
                at: base + 0x28)
        }
    }

    var entryArrayBytes: Int { Int(entryCount) * Int(entrySize) }
}
