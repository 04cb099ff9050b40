import BlockIO

/// The region table (MS-VHDX 2.2.3), 64 KiB at 192 KiB (copy at 256 KiB): where the BAT and the
/// metadata region are. Unknown regions marked required are refused (2.2.3.2).
struct VHDXRegionTable: Sendable {
    static let size = 64 << 10
    static let maximumEntries = 2047
    struct Region: Sendable {
        let offset: UInt64
        let length: UInt32
    }
    let bat: Region
    let metadata: Region

    init(_ r: inout ByteReader, fileSize: UInt64) throws(ImageError) {
        let base = r.base
        guard r.bytes.count >= Self.size else {
            throw ImageError(r.layer, .truncated, "region table shorter than 64 KiB", at: base)
        }
        try r.expect(Array("regi".utf8), "VHDX region table")  // 0x00 Signature
        let checksum = try r.u32le()  // 0x04 Checksum
        let entryCount = try r.u32le()  // 0x08 EntryCount
        _ = try r.u32le()  // 0x0C Reserved
        let computed = CRC32C.checksum(Array(r.bytes[0..<Self.size]), zeroing: 4)
        guard computed == checksum else {
            throw ImageError(
                r.layer, .corrupt,
                "region table checksum 0x\(String(checksum, radix: 16)) != computed 0x\(String(computed, radix: 16))",
                at: base + 4)
        }
        guard entryCount <= Self.maximumEntries else {
            throw ImageError(r.layer, .limitExceeded, "region table entry count \(entryCount)", at: base + 8)
        }
        var bat: Region?
        var metadata: Region?
        for _ in 0..<entryCount {
            let at = r.offset
            let guid = try VHDXGUID(&r)  // 0x00 Guid
            let fileOffset = try r.u64le()  // 0x10 FileOffset
            let length = try r.u32le()  // 0x18 Length
            let required = try r.u32le() & 1 != 0  // 0x1C Required (bit 0)
            let region = Region(offset: fileOffset, length: length)
            // 2.2.3.2: offsets and lengths are multiples of 1 MiB and lie beyond the first MiB.
            guard fileOffset % (1 << 20) == 0, length % (1 << 20) == 0, fileOffset >= 1 << 20,
                fileOffset <= fileSize, UInt64(length) <= fileSize - fileOffset
            else {
                throw ImageError(
                    r.layer, .corrupt, "region \(guid) at \(fileOffset) length \(length) outside the file", at: at)
            }
            switch guid {
            case .batRegion:
                guard bat == nil else { throw ImageError(r.layer, .corrupt, "two BAT regions", at: at) }
                bat = region
            case .metadataRegion:
                guard metadata == nil else { throw ImageError(r.layer, .corrupt, "two metadata regions", at: at) }
                metadata = region
            default:
                if required {
                    throw ImageError(r.layer, .unsupported, "unknown required region \(guid)", at: at)
                }
            }
        }
        guard let bat, let metadata else {
            throw ImageError(r.layer, .corrupt, "region table lacks the BAT or metadata region", at: base)
        }
        self.bat = bat
        self.metadata = metadata
    }
}
