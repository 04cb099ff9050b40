/// The engine of both 32-bit CRCs (`CRC32`, `CRC32C`): a reflected CRC over a polynomial,
/// computed eight bytes per step with eight tables ("slicing-by-8", Kounavis and Berry, Intel
/// 2005). A byte at a time was a fifth of a millisecond of every ext4 check: `metadata_csum`
/// covers each of the hundreds of inodes a check reads.
struct ReflectedCRC32: Sendable {
    /// Table k (entries k·256 ..< (k+1)·256) advances the register by a byte followed by k zero bytes.
    private let tables: [UInt32]

    init(polynomial: UInt32) {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        tables = t
    }

    /// The raw register after `bytes`, from `crc` (no inversion either side).
    func update(_ crc: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c = crc
        tables.withUnsafeBufferPointer { t in
            // Safe: every index is masked to 0...255 plus a table's base below 8·256, and the
            // byte reads stay below `bytes.count`.
            var i = 0
            while i + 8 <= bytes.count {
                let low =
                    c
                    ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3])
                        << 24)
                let high =
                    UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7])
                    << 24
                c =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < bytes.count {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return c
    }

    /// `update` over any bytes (copied once when they are not contiguous).
    func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ update(crc, $0) }) { return r }
        return Array(bytes).withUnsafeBufferPointer { update(crc, $0) }
    }
}
