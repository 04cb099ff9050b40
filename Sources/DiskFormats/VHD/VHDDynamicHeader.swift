import BlockIO

/// The 1024-byte dynamic disk header of dynamic and differencing VHDs (VHD specification,
/// "Dynamic Disk Header Format"), big-endian, at the footer's data offset.
struct VHDDynamicHeader: Sendable {
    static let cookie = Array("cxsparse".utf8)
    static let length = 1024
    /// 16 Mi entries of 4 bytes: a 64 MiB BAT, 32 TiB of 2 MiB blocks.
    static let maximumTableEntries: UInt32 = 1 << 24
    static let unallocated: UInt32 = 0xFFFF_FFFF

    /// A parent locator entry: where a platform-specific form of the parent's path is stored.
    struct ParentLocator: Sendable {
        /// "W2ru", "W2ku", "Wi2r", "Wi2k", "Mac ", "MacX".
        let platformCode: String
        let dataLength: UInt32
        let dataOffset: UInt64
        /// File offset of this entry, for errors.
        let entryOffset: UInt64
    }

    let tableOffset: UInt64
    let maxTableEntries: UInt32
    let blockSize: UInt32
    let parentUniqueID: [UInt8]
    /// The parent's file name (UTF-16BE in the header).
    let parentName: String
    let parentLocators: [ParentLocator]
    /// Bytes of a block's sector bitmap: one bit a sector, padded to a whole sector.
    var bitmapBytes: UInt64 { (UInt64(blockSize) / 512 / 8 + 511) / 512 * 512 }

    /// Parses and checks the header in `r` against the virtual size and the file size.
    init(_ r: inout ByteReader, virtualSize: UInt64, fileSize: UInt64) throws(ImageError) {
        let base = r.offset
        let raw = try r.bytes(Self.length)
        var r = ByteReader(raw, layer: "vhd", base: base)
        try r.expect(Self.cookie, "VHD dynamic header")  // 0x00 cookie "cxsparse"
        _ = try r.u64be()  // 0x08 data offset (unused)
        tableOffset = try r.u64be()  // 0x10 BAT offset
        let version = try r.u32be()  // 0x18 header version
        maxTableEntries = try r.u32be()  // 0x1C
        blockSize = try r.u32be()  // 0x20
        let checksum = try r.u32be()  // 0x24
        parentUniqueID = try r.bytes(16)  // 0x28
        _ = try r.u32be()  // 0x38 parent time stamp
        _ = try r.u32be()  // 0x3C reserved
        parentName = try r.utf16be(units: 256)  // 0x40 parent unicode name, 512 bytes UTF-16BE
        var locators: [ParentLocator] = []
        for _ in 0..<8 {  // 0x240 eight parent locator entries of 24 bytes
            let entryOffset = r.offset
            let code = try r.bytes(4)  // +0 platform code
            _ = try r.u32be()  // +4 platform data space
            let length = try r.u32be()  // +8 platform data length
            _ = try r.u32be()  // +12 reserved
            let offset = try r.u64be()  // +16 platform data offset
            if code != [0, 0, 0, 0] {
                locators.append(
                    ParentLocator(
                        platformCode: String(decoding: code, as: UTF8.self), dataLength: length, dataOffset: offset,
                        entryOffset: entryOffset))
            }
        }
        parentLocators = locators

        let computed = VHDFooter.checksum(raw, skipping: 0x24)
        guard computed == checksum else {
            throw ImageError(
                "vhd", .corrupt,
                "dynamic header checksum 0x\(String(checksum, radix: 16)) does not match its bytes (0x\(String(computed, radix: 16)))",
                at: base + 0x24)
        }
        guard version >> 16 == 1 else {
            throw ImageError(
                "vhd", .unsupported, "dynamic header version 0x\(String(version, radix: 16))", at: base + 0x18)
        }
        guard blockSize >= 512, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw ImageError("vhd", .unsupported, "block size \(blockSize)", at: base + 0x20)
        }
        guard maxTableEntries <= Self.maximumTableEntries else {
            throw ImageError(
                "vhd", .limitExceeded, "BAT of \(maxTableEntries) entries exceeds \(Self.maximumTableEntries)",
                at: base + 0x1C)
        }
        let needed = virtualSize / UInt64(blockSize) + (virtualSize % UInt64(blockSize) == 0 ? 0 : 1)
        guard UInt64(maxTableEntries) >= needed else {
            throw ImageError(
                "vhd", .corrupt, "BAT of \(maxTableEntries) entries cannot map a disk of \(virtualSize) bytes",
                at: base + 0x1C)
        }
        let (end, overflow) = tableOffset.addingReportingOverflow(UInt64(maxTableEntries) * 4)
        guard !overflow, end <= fileSize else {
            throw ImageError(
                "vhd", .corrupt,
                "BAT at \(tableOffset) (\(maxTableEntries) entries) runs past the end of the file (\(fileSize) bytes)",
                at: base + 0x10)
        }
    }
}
