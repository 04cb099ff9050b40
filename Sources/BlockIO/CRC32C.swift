/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of VHDX headers and region
/// tables, ext4 `metadata_csum`, XFS v5 metadata and btrfs trees (and btrfs's name hash).
///
/// Eight bytes a step (`ReflectedCRC32`): ext4 checks the checksum of every inode it reads.
public enum CRC32C {
    private static let engine = ReflectedCRC32(polynomial: 0x82F6_3B78)

    /// The raw register update from `seed` over `bytes`, without the final inversion (the
    /// kernel's `crc32c(seed, data)`); the 4 bytes at index `field` of `bytes` (when given) are
    /// read as zeros, as formats do for the checksum field inside the block they check.
    public static func update(_ seed: UInt32, _ bytes: ArraySlice<UInt8>, zeroing field: Int? = nil) -> UInt32 {
        // The part of field ..< field + 4 inside the slice (checked before adding: no overflow).
        guard let field, field < bytes.endIndex, field > bytes.startIndex - 4 else { return engine.update(seed, bytes) }
        let start = max(field, bytes.startIndex)
        let end = min(field + 4, bytes.endIndex)
        var crc = engine.update(seed, bytes[..<start])
        crc = engine.update(crc, repeatElement(UInt8(0), count: end - start))
        return engine.update(crc, bytes[end...])
    }

    /// The standard CRC-32C of `bytes` (initial and final value ~0), with the 4 bytes at `field`
    /// (when given) read as zeros.
    public static func checksum(_ bytes: [UInt8], zeroing field: Int? = nil) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes[...], zeroing: field)
    }
}
