import BlockIO

/// An LVM2 text metadata area (lib/format_text/layout.h, `mda_header`): a 512-byte header
/// followed by a circular buffer holding the VG metadata text.
///
///     0x00 u32le checksum (of 0x04…0x1FF)   0x18 u64le size (of the whole area)
///     0x04 magic " LVM2 x[5A%r0N*>"          0x28 raw_locn {u64le offset, u64le size,
///     0x14 u32le version (1)                         u32le checksum, u32le flags}…, 0
///     0x18 u64le start (absolute offset)     the first raw_locn is the committed metadata;
///                                            its text may wrap to just after the header.
struct LVM2MetadataArea: Sendable {
    static let headerSize: UInt64 = 512
    static let magic: [UInt8] = Array(" LVM2 x[5A%r0N*>".utf8)
    /// The largest metadata text read (LVM's default area is 1 MiB; the tools cap it at 16 MiB).
    static let maximumTextBytes: UInt64 = 16 << 20
    static let rawLocationIgnored: UInt32 = 1

    /// The committed metadata text (trailing NULs removed), or nil when the area holds none.
    let text: [UInt8]?
    /// Device offset of the first text byte, for error messages.
    let textOffset: UInt64

    /// Reads the area at `area.offset` of `device` (the PV).
    init(device: any BlockDevice, area: LVM2Label.Area) throws {
        guard area.size > Self.headerSize else {
            throw ImageError(
                "lvm2", .corrupt, "metadata area of \(area.size) bytes is smaller than its header", at: area.offset)
        }
        try device.checkRange(area.offset, area.size, layer: "lvm2")
        let header = try device.read(at: area.offset, count: Int(Self.headerSize), layer: "lvm2")
        var r = ByteReader(header, layer: "lvm2", base: area.offset)
        let checksum = try r.u32le()  // 0x00
        try r.expect(Self.magic, "LVM2 metadata area")  // 0x04
        let version = try r.u32le()  // 0x14
        let start = try r.u64le()  // 0x18
        let size = try r.u64le()  // 0x20
        let computed = CRC32.lvm(header[4..<512])
        guard computed == checksum else {
            throw ImageError(
                "lvm2", .corrupt,
                "metadata area header CRC 0x\(hex8(checksum)) does not match the computed 0x\(hex8(computed))",
                at: area.offset)
        }
        guard version == 1 else {
            throw ImageError("lvm2", .unsupported, "metadata area version \(version)", at: area.offset + 0x14)
        }
        guard start == area.offset, size == area.size else {
            throw ImageError(
                "lvm2", .corrupt,
                "metadata area header says start \(start) size \(size), the PV header \(area.offset) \(area.size)",
                at: area.offset + 0x18)
        }
        // 0x28: raw_locn list; only the first (committed) one matters.
        let offset = try r.u64le()
        let length = try r.u64le()
        let textChecksum = try r.u32le()
        let flags = try r.u32le()
        guard offset != 0, length != 0, flags & Self.rawLocationIgnored == 0 else {
            textOffset = start
            text = nil
            return
        }
        guard offset >= Self.headerSize, offset < size else {
            throw ImageError(
                "lvm2", .corrupt, "metadata text offset \(offset) outside the area of \(size) bytes",
                at: area.offset + 0x28)
        }
        // Below start + size, which checkRange found inside the device.
        textOffset = start + offset
        guard length <= Self.maximumTextBytes, length <= size - Self.headerSize else {
            throw ImageError("lvm2", .limitExceeded, "metadata text of \(length) bytes", at: area.offset + 0x30)
        }
        // The buffer is circular: what does not fit before the area's end continues after the header.
        let first = min(length, size - offset)
        var bytes = try device.read(at: start + offset, count: Int(first), layer: "lvm2")
        if first < length {
            bytes += try device.read(at: start + Self.headerSize, count: Int(length - first), layer: "lvm2")
        }
        let crc = CRC32.lvm(bytes)
        guard crc == textChecksum else {
            throw ImageError(
                "lvm2", .corrupt,
                "metadata text CRC 0x\(hex8(textChecksum)) does not match the computed 0x\(hex8(crc))",
                at: area.offset + 0x38)
        }
        while bytes.last == 0 { bytes.removeLast() }
        text = bytes
    }
}
