/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every v5 metadata block.
///
/// XFS stores `~crc32c(~0, block with the crc field zeroed)` little-endian at the field.
enum XFSChecksum {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The standard CRC-32C of `bytes` (initial and final value `~0`).
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        checksum(bytes, skipping: bytes.count)
    }

    /// The CRC-32C of `bytes` with the four bytes at `field` read as zeros (how XFS computes a
    /// block's checksum over a block that holds it).
    static func checksum(_ bytes: [UInt8], skipping field: Int) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let cut = min(max(field, 0), bytes.count)
        let resume = min(cut + 4, bytes.count)
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                for i in 0..<cut { crc = t[Int((crc ^ UInt32(b[i])) & 0xFF)] ^ (crc >> 8) }
                for _ in cut..<resume { crc = t[Int(crc & 0xFF)] ^ (crc >> 8) }
                for i in resume..<b.count { crc = t[Int((crc ^ UInt32(b[i])) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return ~crc
    }

    /// Whether the little-endian checksum stored at `field` matches the rest of `bytes`.
    static func verify(_ bytes: [UInt8], field: Int) -> Bool {
        guard field >= 0, field + 4 <= bytes.count else { return false }
        let stored =
            UInt32(bytes[field]) | UInt32(bytes[field + 1]) << 8 | UInt32(bytes[field + 2]) << 16
            | UInt32(bytes[field + 3]) << 24
        return checksum(bytes, skipping: field) == stored
    }
}
