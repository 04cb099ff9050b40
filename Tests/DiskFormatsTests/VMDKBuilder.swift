/// Builds small hosted sparse extents byte by byte (VMware "Virtual Disk Format 1.1"):
/// header at sector 0, grain directory at sector 1, one grain table at sector 2 (512 entries,
/// 4 sectors), redundant GD at sector 6, grains of 128 sectors from sector 16.
struct VMDKBuilder {
    var capacitySectors: UInt64 = 128 * 512  // one grain table's worth: 32 MiB
    var flags: UInt32 = 1 | 2  // newline test, redundant grain table
    var compressed = false
    var gdSector: UInt64 = 1
    var rgdSector: UInt64 = 6
    var gd: [UInt32] = [2]
    var rgd: [UInt32] = [2]
    var gt: [Int: UInt32] = [:]
    var data: [(sector: Int, bytes: [UInt8])] = []
    var sectors = 16 + 128 * 4
    var descriptor: String?

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }
    static func put(_ bytes: [UInt8], at offset: Int, into out: inout [UInt8]) {
        out.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    }

    func header() -> [UInt8] {
        var h = Array("KDMV".utf8) + Self.le(UInt32(compressed ? 3 : 1))
        h += Self.le(flags | (compressed ? (1 << 16 | 1 << 17) : 0))
        h += Self.le(capacitySectors) + Self.le(UInt64(128))
        h += Self.le(UInt64(descriptor == nil ? 0 : 12)) + Self.le(UInt64(descriptor == nil ? 0 : 4))
        h += Self.le(UInt32(512)) + Self.le(rgdSector) + Self.le(gdSector) + Self.le(UInt64(16))
        h += [0, 0x0A, 0x20, 0x0D, 0x0A] + Self.le(UInt16(compressed ? 1 : 0))
        return h + [UInt8](repeating: 0, count: 512 - h.count)
    }

    func build() -> [UInt8] {
        var f = [UInt8](repeating: 0, count: sectors * 512)
        Self.put(header(), at: 0, into: &f)
        Self.put(gd.flatMap { Self.le($0) }, at: Int(gdSector) * 512, into: &f)
        Self.put(rgd.flatMap { Self.le($0) }, at: Int(rgdSector) * 512, into: &f)
        for (i, v) in gt { Self.put(Self.le(v), at: 2 * 512 + 4 * i, into: &f) }
        if let descriptor { Self.put(Array(descriptor.utf8), at: 12 * 512, into: &f) }
        for d in data { Self.put(d.bytes, at: d.sector * 512, into: &f) }
        return f
    }

    /// A zlib stream of stored (uncompressed) deflate blocks: lets tests make a grain that
    /// inflates to any size without a compressor.
    static func zlibStored(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, payload.count - i)
            let final: UInt8 = i + n >= payload.count ? 1 : 0
            out += [final] + le(UInt16(n)) + le(~UInt16(n)) + payload[i..<i + n]
            i += n
        } while i < payload.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for x in payload {
            a = (a + UInt32(x)) % 65521
            b = (b + a) % 65521
        }
        let adler = b << 16 | a
        return out + [
            UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16), UInt8(truncatingIfNeeded: adler >> 8),
            UInt8(truncatingIfNeeded: adler),
        ]
    }

    /// A compressed grain: marker (lba u64, size u32) then the zlib stream.
    static func compressedGrain(lba: UInt64, _ stream: [UInt8]) -> [UInt8] {
        le(lba) + le(UInt32(stream.count)) + stream
    }
}
