/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of VHDX headers and region
/// tables, ext4 `metadata_csum`, XFS v5 metadata and btrfs trees (and btrfs's name hash).
///
/// Table-driven, a byte at a time; the structures checked are at most a few tens of KiB.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The raw register update from `seed` over `bytes`, without the final inversion (the
    /// kernel's `crc32c(seed, data)`); the 4 bytes at index `field` of `bytes` (when given) are
    /// read as zeros, as formats do for the checksum field inside the block they check.
    public static func update(_ seed: UInt32, _ bytes: ArraySlice<UInt8>, zeroing field: Int? = nil) -> UInt32 {
        var crc = seed
        let skip = field.map { $0..<($0 + 4) } ?? 0..<0
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                // Safe: `i` stays inside `b`, table indices are masked to 0...255.
                for i in 0..<b.count {
                    let byte: UInt8 = skip.contains(bytes.startIndex + i) ? 0 : b[i]
                    crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
                }
            }
        }
        return crc
    }

    /// The standard CRC-32C of `bytes` (initial and final value ~0), with the 4 bytes at `field`
    /// (when given) read as zeros.
    public static func checksum(_ bytes: [UInt8], zeroing field: Int? = nil) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes[...], zeroing: field)
    }
}
