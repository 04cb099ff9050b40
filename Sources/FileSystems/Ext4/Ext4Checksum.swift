import BlockIO

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) as ext4's `metadata_csum` uses it: seeded
/// with ~0 and without the final inversion (the kernel's `ext4_chksum`).
enum Ext4Checksum {
    static func crc32c(_ seed: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 { CRC32C.update(seed, bytes) }

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

    /// Checks an inode's checksum (`l_i_checksum_lo` at 0x7C, `i_checksum_hi` at 0x82 when
    /// `i_extra_isize` covers it): CRC32C over the inode number, generation and the inode with
    /// both checksum fields taken as zero, seeded with the file system's seed (the kernel's
    /// `ext4_inode_csum`).
    static func verifyInode(_ raw: [UInt8], number: UInt32, seed: UInt32, at offset: UInt64) throws {
        guard raw.count >= 128 else { return }
        let r = ByteReader(raw, layer: Ext4FileSystem.layer, base: offset)
        let generation = try r.u32le(at: 0x64)
        var stored = UInt32(try r.u16le(at: 0x7C))
        let extraSize = raw.count > 128 ? try r.u16le(at: 0x80) : 0  // 0x80 i_extra_isize
        let hasHigh = extraSize >= 4
        if hasHigh { stored |= UInt32(try r.u16le(at: 0x82)) << 16 }
        var bytes = raw
        bytes[0x7C] = 0
        bytes[0x7D] = 0
        if hasHigh {
            bytes[0x82] = 0
            bytes[0x83] = 0
        }
        let le = { (v: UInt32) in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var crc = crc32c(seed, le(number)[...])
        crc = crc32c(crc, le(generation)[...])
        crc = crc32c(crc, bytes[...])
        if !hasHigh { crc &= 0xFFFF }
        guard crc == stored else {
            throw ImageError(
                Ext4FileSystem.layer, .corrupt,
                "inode \(number) checksum 0x\(String(stored, radix: 16)), computed 0x\(String(crc, radix: 16))",
                at: offset + 0x7C)
        }
    }
}
