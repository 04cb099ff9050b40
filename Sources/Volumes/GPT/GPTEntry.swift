import BlockIO

/// One GPT partition entry (UEFI 2.10, 5.3.3 "GPT Partition Entry Array").
struct GPTEntry: Sendable {
    let typeGUID: [UInt8]
    let uniqueGUID: [UInt8]
    let firstLBA: UInt64
    let lastLBA: UInt64
    let attributes: UInt64
    /// The partition name, UTF-16LE up to the first NUL (at most 36 code units).
    let name: String

    /// Parses one entry; `nil` when the type GUID is all zeros (an unused slot).
    init?(_ r: inout ByteReader, entrySize: Int) throws(ImageError) {
        var e = try r.sub(entrySize)
        let at = e.base
        typeGUID = try e.bytes(16)  // 0x00
        uniqueGUID = try e.bytes(16)  // 0x10
        firstLBA = try e.u64le()  // 0x20
        lastLBA = try e.u64le()  // 0x28
        attributes = try e.u64le()  // 0x30
        name = try e.utf16le(units: 36)  // 0x38 name, 72 bytes UTF-16LE
        if typeGUID.allSatisfy({ $0 == 0 }) { return nil }
        guard firstLBA <= lastLBA else {
            throw ImageError(
                "gpt", .corrupt, "entry ends (LBA \(lastLBA)) before it starts (LBA \(firstLBA))", at: at + 0x20)
        }
    }
}
