import BlockIO

/// One of the two 4 KiB headers (MS-VHDX 2.2.2), at 64 KiB and 128 KiB. The valid one with the
/// greater sequence number is current.
struct VHDXHeader: Sendable {
    static let size = 4096
    let sequenceNumber: UInt64
    let fileWriteGUID: VHDXGUID
    let dataWriteGUID: VHDXGUID
    let logGUID: VHDXGUID
    let logVersion: UInt16
    let version: UInt16
    let logLength: UInt32
    let logOffset: UInt64
    /// Device offset of this header (for errors and notes).
    let offset: UInt64

    init(_ r: inout ByteReader) throws(ImageError) {
        offset = r.base
        let start = r.position
        try r.expect(Array("head".utf8), "VHDX header")  // 0x00 Signature
        let checksum = try r.u32le()  // 0x04 Checksum (CRC-32C, field zeroed)
        sequenceNumber = try r.u64le()  // 0x08 SequenceNumber
        fileWriteGUID = try VHDXGUID(&r)  // 0x10 FileWriteGuid
        dataWriteGUID = try VHDXGUID(&r)  // 0x20 DataWriteGuid
        logGUID = try VHDXGUID(&r)  // 0x30 LogGuid
        logVersion = try r.u16le()  // 0x40 LogVersion
        version = try r.u16le()  // 0x42 Version
        logLength = try r.u32le()  // 0x44 LogLength
        logOffset = try r.u64le()  // 0x48 LogOffset
        let all = Array(r.bytes[start..<min(r.bytes.count, start + Self.size)])
        guard all.count == Self.size else {
            throw ImageError(r.layer, .truncated, "VHDX header shorter than 4 KiB", at: offset)
        }
        let computed = CRC32C.checksum(all, zeroing: 4)
        guard computed == checksum else {
            throw ImageError(
                r.layer, .corrupt,
                "VHDX header checksum 0x\(String(checksum, radix: 16)) != computed 0x\(String(computed, radix: 16))",
                at: offset + 4)
        }
        guard version == 1 else {
            throw ImageError(r.layer, .unsupported, "VHDX header version \(version)", at: offset + 0x42)
        }
    }
}
