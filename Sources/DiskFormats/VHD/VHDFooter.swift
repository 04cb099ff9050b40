import BlockIO

/// The 512-byte VHD footer (Virtual Hard Disk Image Format Specification, "Hard Disk Footer
/// Format"), big-endian, at the end of every VHD and copied at offset 0 of dynamic disks.
struct VHDFooter: Sendable {
    static let cookie = Array("conectix".utf8)
    static let length = 512
    /// The specification's largest disk is 2040 GiB; allow some slack, refuse absurd sizes.
    static let maximumSize: UInt64 = 16 << 40

    enum DiskType: UInt32, Sendable {
        case fixed = 2
        case dynamic = 3
        case differencing = 4

        var facts: VHDFooterFacts.DiskType {
            switch self {
            case .fixed: return .fixed
            case .dynamic: return .dynamic
            case .differencing: return .differencing
            }
        }
    }

    let dataOffset: UInt64
    let timestamp: UInt32
    let creatorApplication: String
    let originalSize: UInt64
    let currentSize: UInt64
    let geometry: VHDFooterFacts.Geometry
    let diskType: DiskType
    let uniqueID: [UInt8]
    let savedState: Bool

    /// Parses and checks (cookie, checksum, version, type, size) the footer in `r`.
    init(_ r: inout ByteReader) throws(ImageError) {
        let base = r.offset
        let raw = try r.bytes(Self.length)
        var r = ByteReader(raw, layer: "vhd", base: base)
        try r.expect(Self.cookie, "VHD footer")  // 0x00 cookie "conectix"
        _ = try r.u32be()  // 0x08 features
        let version = try r.u32be()  // 0x0C file format version
        dataOffset = try r.u64be()  // 0x10 data offset
        timestamp = try r.u32be()  // 0x18 seconds since 2000-01-01
        creatorApplication = QCOW2HeaderExtensions.text(try r.bytes(4))  // 0x1C
        _ = try r.u32be()  // 0x20 creator version
        _ = try r.u32be()  // 0x24 creator host OS
        originalSize = try r.u64be()  // 0x28 original size
        currentSize = try r.u64be()  // 0x30 current size
        // 0x38 geometry: qemu without force_size rounds the size to it; the current size is what
        // the guest sees.
        geometry = VHDFooterFacts.Geometry(cylinders: try r.u16be(), heads: try r.u8(), sectorsPerTrack: try r.u8())
        let type = try r.u32be()  // 0x3C disk type
        let checksum = try r.u32be()  // 0x40
        uniqueID = try r.bytes(16)  // 0x44 unique id
        savedState = try r.u8() != 0  // 0x54

        let computed = VHDFooter.checksum(raw, skipping: 0x40)
        guard computed == checksum else {
            throw ImageError(
                "vhd", .corrupt,
                "footer checksum 0x\(String(checksum, radix: 16)) does not match its bytes (0x\(String(computed, radix: 16)))",
                at: base + 0x40)
        }
        guard version >> 16 == 1 else {
            throw ImageError(
                "vhd", .unsupported, "file format version 0x\(String(version, radix: 16))", at: base + 0x0C)
        }
        guard let t = DiskType(rawValue: type) else {
            throw ImageError("vhd", .unsupported, "disk type \(type)", at: base + 0x3C)
        }
        diskType = t
        guard currentSize <= Self.maximumSize else {
            throw ImageError("vhd", .limitExceeded, "current size \(currentSize) exceeds 16 TiB", at: base + 0x30)
        }
    }

    /// The one's complement of the byte sum, leaving out the 4-byte checksum field at `field`.
    static func checksum(_ bytes: [UInt8], skipping field: Int) -> UInt32 {
        var sum: UInt32 = 0
        for (i, b) in bytes.enumerated() where i < field || i >= field + 4 { sum &+= UInt32(b) }
        return ~sum
    }

    static func hex(_ id: [UInt8]) -> String {
        id.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
