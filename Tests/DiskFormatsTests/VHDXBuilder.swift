import BlockIO

@testable import DiskFormats

/// Builds small VHDX files byte by byte (MS-VHDX layout): 1 MiB blocks, 512-byte sectors,
/// metadata region at 1 MiB, BAT at 2 MiB, data from 3 MiB. Tests set BAT entries and data.
struct VHDXBuilder {
    static let mib = 1 << 20
    var virtualSize: UInt64 = 48 << 20
    var blockSize: UInt32 = 1 << 20
    var hasParent = false
    var parentLocator: [(String, String)] = []
    var logGUID = [UInt8](repeating: 0, count: 16)
    var batEntries: [Int: UInt64] = [:]
    var data: [(offset: Int, bytes: [UInt8])] = []
    var fileSize = 8 << 20
    var sequenceNumbers: (UInt64, UInt64) = (1, 2)
    var extraMetadataRequired = false
    var extraRegionRequired = false

    static let batOffset = 2 << 20
    static let metadataOffset = 1 << 20

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }
    static func put(_ bytes: [UInt8], at offset: Int, into out: inout [UInt8]) {
        out.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    }
    static func guid(_ g: VHDXGUID) -> [UInt8] { g.bytes }

    func header(sequence: UInt64) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 4096)
        Self.put(Array("head".utf8), at: 0, into: &h)
        Self.put(Self.le(sequence), at: 8, into: &h)
        Self.put([UInt8](repeating: 0x11, count: 16), at: 0x10, into: &h)  // FileWriteGuid
        Self.put([UInt8](repeating: 0x22, count: 16), at: 0x20, into: &h)  // DataWriteGuid
        Self.put(logGUID, at: 0x30, into: &h)
        Self.put(Self.le(UInt16(1)), at: 0x42, into: &h)  // Version
        Self.put(Self.le(UInt32(1 << 20)), at: 0x44, into: &h)  // LogLength
        Self.put(Self.le(UInt64(7 << 20)), at: 0x48, into: &h)  // LogOffset
        Self.put(Self.le(CRC32C.checksum(h)), at: 4, into: &h)
        return h
    }

    func regionTable() -> [UInt8] {
        var t = [UInt8](repeating: 0, count: 64 << 10)
        Self.put(Array("regi".utf8), at: 0, into: &t)
        var entries: [([UInt8], UInt64, UInt32, UInt32)] = [
            (Self.guid(.batRegion), UInt64(Self.batOffset), UInt32(Self.mib), 1),
            (Self.guid(.metadataRegion), UInt64(Self.metadataOffset), UInt32(Self.mib), 1),
        ]
        if extraRegionRequired { entries.append(([UInt8](repeating: 0xEE, count: 16), 6 << 20, UInt32(Self.mib), 1)) }
        Self.put(Self.le(UInt32(entries.count)), at: 8, into: &t)
        for (i, e) in entries.enumerated() {
            let at = 16 + 32 * i
            Self.put(e.0 + Self.le(e.1) + Self.le(e.2) + Self.le(e.3), at: at, into: &t)
        }
        Self.put(Self.le(CRC32C.checksum(t)), at: 4, into: &t)
        return t
    }

    func metadataRegion() -> [UInt8] {
        var m = [UInt8](repeating: 0, count: Self.mib)
        Self.put(Array("metadata".utf8), at: 0, into: &m)
        var items: [([UInt8], [UInt8], UInt32)] = [
            (Self.guid(.fileParameters), Self.le(blockSize) + Self.le(UInt32(hasParent ? 2 : 0)), 4),
            (Self.guid(.virtualDiskSize), Self.le(virtualSize), 6),
            (Self.guid(.logicalSectorSize), Self.le(UInt32(512)), 6),
            (Self.guid(.physicalSectorSize), Self.le(UInt32(512)), 6),
        ]
        if hasParent {
            var locator = Self.guid(.vhdxParentLocatorType) + Self.le(UInt16(0)) + Self.le(UInt16(parentLocator.count))
            let headerLength = 20 + 12 * parentLocator.count
            var strings: [UInt8] = []
            for (k, v) in parentLocator {
                let kb = Array(k.utf16).flatMap { Self.le($0) }
                let vb = Array(v.utf16).flatMap { Self.le($0) }
                let ko = headerLength + strings.count
                strings += kb
                let vo = headerLength + strings.count
                strings += vb
                locator +=
                    Self.le(UInt32(ko)) + Self.le(UInt32(vo)) + Self.le(UInt16(kb.count)) + Self.le(UInt16(vb.count))
            }
            items.append((Self.guid(.parentLocator), locator + strings, 4))
        }
        if extraMetadataRequired { items.append(([UInt8](repeating: 0xAB, count: 16), Self.le(UInt32(0)), 4)) }
        Self.put(Self.le(UInt16(items.count)), at: 10, into: &m)
        var next = 64 << 10
        for (i, item) in items.enumerated() {
            Self.put(
                item.0 + Self.le(UInt32(next)) + Self.le(UInt32(item.1.count)) + Self.le(item.2) + Self.le(UInt32(0)),
                at: 32 + 32 * i, into: &m)
            Self.put(item.1, at: next, into: &m)
            next += (item.1.count + 4095) / 4096 * 4096
        }
        return m
    }

    /// Index in the BAT of payload block `block` (chunk ratio 4096 with 1 MiB blocks).
    static func payloadIndex(_ block: Int) -> Int { block + block / 4096 }
    static let bitmapIndex0 = 4096

    static func entry(state: UInt64, mib: UInt64) -> UInt64 { state | (mib << 20) }

    func build() -> [UInt8] {
        var f = [UInt8](repeating: 0, count: fileSize)
        Self.put(Array("vhdxfile".utf8), at: 0, into: &f)
        Self.put(header(sequence: sequenceNumbers.0), at: 64 << 10, into: &f)
        Self.put(header(sequence: sequenceNumbers.1), at: 128 << 10, into: &f)
        let rt = regionTable()
        Self.put(rt, at: 192 << 10, into: &f)
        Self.put(rt, at: 256 << 10, into: &f)
        Self.put(metadataRegion(), at: Self.metadataOffset, into: &f)
        for (i, v) in batEntries { Self.put(Self.le(v), at: Self.batOffset + 8 * i, into: &f) }
        for d in data { Self.put(d.bytes, at: d.offset, into: &f) }
        return f
    }
}
