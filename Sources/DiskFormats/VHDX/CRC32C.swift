/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as VHDX uses for its headers, region
/// tables and log entries (MS-VHDX 2.2.2.1: "CRC-32C ... with the checksum field set to zero").
///
/// Table-driven, one byte at a time: the structures it checks are at most 64 KiB.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The checksum of `bytes`, treating the 4 bytes at `zeroing` (when given) as zeros.
    public static func checksum(_ bytes: [UInt8], zeroing field: Int? = nil) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for (i, b) in bytes.enumerated() {
            var byte = b
            if let field, i >= field, i < field + 4 { byte = 0 }
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
