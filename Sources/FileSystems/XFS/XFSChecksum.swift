import BlockIO

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every v5 metadata block.
///
/// XFS stores `~crc32c(~0, block with the crc field zeroed)` little-endian at the field.
enum XFSChecksum {
    /// The standard CRC-32C of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 { CRC32C.checksum(bytes) }

    /// The CRC-32C of `bytes` with the four bytes at `field` read as zeros (how XFS computes a
    /// block's checksum over a block that holds it).
    static func checksum(_ bytes: [UInt8], skipping field: Int) -> UInt32 {
        CRC32C.checksum(bytes, zeroing: field)
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
