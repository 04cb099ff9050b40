import BlockIO

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) as ext4's `metadata_csum` uses it: seeded
/// with ~0 and without the final inversion (the kernel's `ext4_chksum`).
enum Ext4Checksum {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func crc32c(_ seed: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = seed
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc
    }

    /// Checks `s_checksum` (0x3FC) against the CRC32C of the superblock's first 0x3FC bytes.
    static func verifySuperblock(_ bytes: [UInt8], at offset: UInt64) throws {
        let r = ByteReader(bytes, layer: Ext4FileSystem.layer, base: offset)
        let stored = try r.u32le(at: 0x3FC)  // 0x3FC s_checksum
        let computed = crc32c(~0, bytes[0..<0x3FC])
        guard stored == computed else {
            throw ImageError(
                Ext4FileSystem.layer, .corrupt,
                "superblock checksum 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))",
                at: offset + 0x3FC)
        }
    }
}
