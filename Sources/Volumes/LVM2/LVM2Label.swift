import BlockIO

/// An LVM2 physical volume label and PV header (lib/label/label.h, lib/format_text/layout.h),
/// found in one of sectors 0–3 of the PV.
///
///     label_header (32 bytes)                     pv_header (at offset_xl, normally 32)
///     0x00 "LABELONE"                             0x00 pv_uuid[32] (no dashes)
///     0x08 u64le sector_xl  (this sector)         0x20 u64le device_size (bytes)
///     0x10 u32le crc_xl     (of 0x14…0x1FF)       0x28 disk_locn {u64le offset, u64le size}…, 0 0
///     0x14 u32le offset_xl  (of the pv_header)         data areas, then metadata areas,
///     0x18 "LVM2 001"                                  each list ended by a zero entry
struct LVM2Label: Sendable {
    /// An area of the PV, in bytes from the PV's start (`size` 0 for a data area means "to the end").
    struct Area: Sendable, Equatable {
        let offset: UInt64
        let size: UInt64
    }

    static let sectorSize: UInt64 = 512
    /// Bounds each of the two disk_locn lists (the sector holds at most ~29 entries anyway).
    static let maximumAreas = 16

    /// Sector (0–3) holding the label.
    let sector: UInt64
    /// The PV UUID as 32 characters without dashes.
    let uuid: String
    let deviceSize: UInt64
    let dataAreas: [Area]
    let metadataAreas: [Area]

    /// Scans sectors 0–3 for "LABELONE"; nil when none holds it. A found label whose CRC, type
    /// or header is wrong throws `ImageError` (layer `lvm2`).
    static func find(in device: any BlockDevice) throws -> LVM2Label? {
        let count = Int(min(device.size, 4 * sectorSize) / sectorSize)
        guard count > 0 else { return nil }
        let head = try device.read(at: 0, count: count * Int(sectorSize), layer: "lvm2")
        for s in 0..<count {
            let sector = Array(head[s * 512..<(s + 1) * 512])
            if Array(sector[0..<8]) == Array("LABELONE".utf8) {
                return try LVM2Label(sector, sector: UInt64(s))
            }
        }
        return nil
    }

    /// True when one of the first four sectors in `head` starts with "LABELONE".
    static func matches(_ head: [UInt8]) -> Bool {
        let magic = Array("LABELONE".utf8)
        for s in 0..<4 where head.count >= s * 512 + 512 {
            if Array(head[s * 512..<s * 512 + 8]) == magic { return true }
        }
        return false
    }

    init(_ bytes: [UInt8], sector: UInt64) throws(ImageError) {
        let base = sector * Self.sectorSize
        var r = ByteReader(bytes, layer: "lvm2", base: base)
        try r.expect(Array("LABELONE".utf8), "LVM2 label")  // 0x00
        let sectorXL = try r.u64le()  // 0x08
        let crc = try r.u32le()  // 0x10
        let headerOffset = try r.u32le()  // 0x14
        try r.expect(Array("LVM2 001".utf8), "LVM2 label type")  // 0x18
        guard sectorXL == sector else {
            throw ImageError(
                "lvm2", .corrupt, "label in sector \(sector) says it is in sector \(sectorXL)", at: base + 0x08)
        }
        let computed = CRC32.lvm(bytes[0x14..<512])
        guard computed == crc else {
            throw ImageError(
                "lvm2", .corrupt,
                "label CRC 0x\(hex8(crc)) does not match the computed 0x\(hex8(computed))", at: base + 0x10)
        }
        guard headerOffset >= 32, headerOffset <= 512 - 40 else {
            throw ImageError(
                "lvm2", .corrupt, "PV header offset \(headerOffset) outside the label sector", at: base + 0x14)
        }
        try r.seek(to: Int(headerOffset))
        let rawUUID = try r.bytes(32)  // pv_header 0x00
        guard rawUUID.allSatisfy(Self.isUUIDByte) else {
            throw ImageError(
                "lvm2", .corrupt, "PV UUID has bytes outside LVM's alphabet", at: base + UInt64(headerOffset))
        }
        uuid = String(decoding: rawUUID, as: UTF8.self)
        deviceSize = try r.u64le()  // pv_header 0x20
        dataAreas = try Self.areas(&r)  // pv_header 0x28
        metadataAreas = try Self.areas(&r)
        self.sector = sector
    }

    /// LVM's UUID alphabet (lib/uuid/uuid.c): digits, letters, '!' and '#'.
    private static func isUUIDByte(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x21 || c == 0x23
    }

    private static func areas(_ r: inout ByteReader) throws(ImageError) -> [Area] {
        var list: [Area] = []
        while true {
            let at = r.offset
            let offset = try r.u64le()
            let size = try r.u64le()
            if offset == 0 { return list }
            guard list.count < maximumAreas else {
                throw ImageError("lvm2", .limitExceeded, "more than \(maximumAreas) areas in the PV header", at: at)
            }
            list.append(Area(offset: offset, size: size))
        }
    }
}

/// Formats a 32-character LVM UUID the way LVM prints it (6-4-4-4-4-4-6).
func lvmUUIDText(_ raw: String) -> String {
    let groups = [6, 4, 4, 4, 4, 4, 6]
    var out = ""
    var rest = Substring(raw)
    for (i, n) in groups.enumerated() {
        if i > 0 { out += "-" }
        out += rest.prefix(n)
        rest = rest.dropFirst(n)
    }
    return out + rest
}
