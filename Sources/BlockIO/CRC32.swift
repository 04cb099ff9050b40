/// CRC-32 with the reflected IEEE polynomial 0xEDB88320, as GPT (UEFI spec, "GPT Header", zlib's
/// crc32: initial value and final XOR 0xFFFFFFFF) and LVM2 (`calc_crc`: initial 0xF597A6CF, no
/// final XOR) use it. Only the starting value and the final XOR differ, so one table serves both.
public enum CRC32 {
    private static let engine = ReflectedCRC32(polynomial: 0xEDB8_8320)

    /// Continues a raw (unreflected-state) CRC over `bytes`.
    public static func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        engine.update(crc, bytes)
    }

    /// The zlib / UEFI CRC-32 of `bytes`.
    public static func ieee<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        update(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
    }

    /// LVM2's `calc_crc(INITIAL_CRC, …)`: starts at 0xF597A6CF, no final XOR (lib/misc/crc.c).
    public static let lvmInitial: UInt32 = 0xF597_A6CF
    public static func lvm<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        update(lvmInitial, bytes)
    }
}
