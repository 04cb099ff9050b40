import BlockIO
import Foundation
import TestSupport

@testable import Volumes

/// Reference files written by the fixture scripts.
enum Reference {
    /// A JSON file of a fixture (sfdisk --json, lvm's --reportformat json).
    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path(name)))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// The four blkid values a `VolumeContent` holds, from an export file.
    static func content(_ name: String) throws -> VolumeContent {
        let b = try BlkidExport.read(name)
        return VolumeContent(type: b["TYPE"], uuid: b["UUID"], label: b["LABEL"], version: b["VERSION"])
    }

    /// sfdisk's partitions of a fixture.
    static func sfdiskPartitions(_ name: String) throws -> (table: [String: Any], partitions: [[String: Any]]) {
        let table = (try json(name)["partitiontable"] as? [String: Any]) ?? [:]
        return (table, (table["partitions"] as? [[String: Any]]) ?? [])
    }
}

/// A device that is not a `FileDevice`, so libblkid goes through the memfd window path.
struct OpaqueDevice: BlockDevice {
    let base: any BlockDevice
    var size: UInt64 { base.size }
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try base.read(into: buffer, at: offset)
    }
}

/// Little-endian byte writers for building exact corruptions.
extension Array where Element == UInt8 {
    mutating func put16(_ v: UInt16, at o: Int) {
        for i in 0..<2 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
    mutating func put32(_ v: UInt32, at o: Int) {
        for i in 0..<4 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
    mutating func put64(_ v: UInt64, at o: Int) {
        for i in 0..<8 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
    mutating func put(_ bytes: [UInt8], at o: Int) { replaceSubrange(o..<o + bytes.count, with: bytes) }
}

/// Builds an MBR disk: `entries` (type, start sector, sector count) in slots 0…3.
enum MBRBuilder {
    static func sector(_ entries: [(UInt8, UInt32, UInt32)], signature: UInt32 = 0xCAFE_F00D) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: 512)
        s.put32(signature, at: 0x1B8)
        for (i, e) in entries.enumerated() {
            let o = 0x1BE + 16 * i
            s[o + 4] = e.0
            s.put32(e.1, at: o + 8)
            s.put32(e.2, at: o + 12)
        }
        s[510] = 0x55
        s[511] = 0xAA
        return s
    }

    /// A disk of `sectors` with `mbr` at 0 and each EBR (sector, entries) written.
    static func disk(sectors: Int, mbr: [UInt8], ebrs: [(Int, [(UInt8, UInt32, UInt32)])] = []) -> [UInt8] {
        var d = [UInt8](repeating: 0, count: sectors * 512)
        d.put(mbr, at: 0)
        for (at, entries) in ebrs { d.put(sector(entries, signature: 0), at: at * 512) }
        return d
    }
}

/// Builds a GPT disk of `sectors` 512-byte sectors with both headers and entry arrays.
enum GPTBuilder {
    struct Entry {
        var type: [UInt8] = [
            0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47, 0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4,
        ]
        var unique: [UInt8] = Array(1...16)
        var first: UInt64
        var last: UInt64
        var name: String = ""
    }

    static func disk(sectors: Int = 256, entries: [Entry], entryCount: UInt32 = 128, entrySize: UInt32 = 128) -> [UInt8]
    {
        var d = [UInt8](repeating: 0, count: sectors * 512)
        d.put(MBRBuilder.sector([(0xEE, 1, UInt32(sectors - 1))]), at: 0)
        var array = [UInt8](repeating: 0, count: Int(entryCount) * Int(entrySize))
        for (i, e) in entries.enumerated() {
            let o = i * Int(entrySize)
            array.put(e.type, at: o)
            array.put(e.unique, at: o + 16)
            array.put64(e.first, at: o + 32)
            array.put64(e.last, at: o + 40)
            for (j, u) in e.name.utf16.enumerated() { array.put16(u, at: o + 56 + 2 * j) }
        }
        let arraySectors = (array.count + 511) / 512
        let last = UInt64(sectors - 1)
        let backupArray = last - UInt64(arraySectors)
        if array.count <= 64 * 512 {
            d.put(array, at: 2 * 512)
            d.put(array, at: Int(backupArray) * 512)
        }
        d.put(
            header(
                my: 1, alternate: last, array: 2, count: entryCount, size: entrySize, arrayCRC: CRC32.ieee(array),
                lastUsable: backupArray - 1), at: 512)
        d.put(
            header(
                my: last, alternate: 1, array: backupArray, count: entryCount, size: entrySize,
                arrayCRC: CRC32.ieee(array), lastUsable: backupArray - 1), at: Int(last) * 512)
        return d
    }

    static func header(
        my: UInt64, alternate: UInt64, array: UInt64, count: UInt32, size: UInt32, arrayCRC: UInt32,
        lastUsable: UInt64
    ) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        h.put(Array("EFI PART".utf8), at: 0)
        h.put32(0x0001_0000, at: 8)
        h.put32(92, at: 12)
        h.put64(my, at: 0x18)
        h.put64(alternate, at: 0x20)
        h.put64(34, at: 0x28)
        h.put64(lastUsable, at: 0x30)
        h.put(Array(0x40...0x4F), at: 0x38)
        h.put64(array, at: 0x48)
        h.put32(count, at: 0x50)
        h.put32(size, at: 0x54)
        h.put32(arrayCRC, at: 0x58)
        h.put32(CRC32.ieee(h[0..<92]), at: 0x10)
        return h
    }

    /// Recomputes the header CRC of the header at `lba` after a field was changed.
    static func reseal(_ d: inout [UInt8], lba: Int) {
        let o = lba * 512
        d.put32(0, at: o + 0x10)
        d.put32(CRC32.ieee(d[o..<o + 92]), at: o + 0x10)
    }
}

/// Builds an LVM2 PV: label in sector 1, PV header, one metadata area at 4 KiB of `areaSize`
/// bytes holding `text` at `textOffset` (relative to the area; it wraps when it does not fit).
enum LVM2Builder {
    static func pv(
        uuid: String = "PVzzzz0000000000000000000000000z", size: Int = 4 << 20, areaSize: Int = 64 << 10,
        text: String, textOffset: Int = 512
    ) -> [UInt8] {
        var d = [UInt8](repeating: 0, count: size)
        var label = [UInt8](repeating: 0, count: 512)
        label.put(Array("LABELONE".utf8), at: 0)
        label.put64(1, at: 8)
        label.put32(32, at: 20)
        label.put(Array("LVM2 001".utf8), at: 24)
        label.put(Array(uuid.utf8), at: 32)
        label.put64(UInt64(size), at: 64)
        label.put64(UInt64(1 << 20), at: 72)  // data area at 1 MiB, size 0
        label.put64(4096, at: 104)  // metadata area
        label.put64(UInt64(areaSize), at: 112)
        label.put32(CRC32.lvm(label[20..<512]), at: 16)
        d.put(label, at: 512)

        let bytes = Array(text.utf8) + [0]
        let first = min(bytes.count, areaSize - textOffset)
        d.put(Array(bytes[0..<first]), at: 4096 + textOffset)
        if first < bytes.count { d.put(Array(bytes[first...]), at: 4096 + 512) }
        var h = [UInt8](repeating: 0, count: 512)
        h.put(Array(" LVM2 x[5A%r0N*>".utf8), at: 4)
        h.put32(1, at: 20)
        h.put64(4096, at: 24)
        h.put64(UInt64(areaSize), at: 32)
        h.put64(UInt64(textOffset), at: 40)
        h.put64(UInt64(bytes.count), at: 48)
        h.put32(CRC32.lvm(bytes), at: 56)
        h.put32(CRC32.lvm(h[4..<512]), at: 0)
        d.put(h, at: 4096)
        return d
    }

    /// Metadata text of VG `vg` with one PV (`pv0`, 1 MiB pe_start, `peCount` extents of 1 MiB) and the given LV sections.
    static func text(
        vg: String = "vg0", uuid: String = "PVzzzz-0000-0000-0000-0000-0000-00000z", peCount: Int = 3,
        seqno: Int = 1, lvs: String
    ) -> String {
        """
        \(vg) {
        id = "VGVGVG-0000-0000-0000-0000-0000-000000"
        seqno = \(seqno)
        format = "lvm2"  # comment
        status = ["RESIZEABLE", "READ", "WRITE"]
        extent_size = 2048
        physical_volumes {
        pv0 {
        id = "\(uuid)"
        device = "/dev/sda2"
        pe_start = 2048
        pe_count = \(peCount)
        }
        }
        logical_volumes {
        \(lvs)
        }
        }
        contents = "Text Format Volume Group"
        version = 1
        """
    }

    static func linearLV(
        _ name: String, extents: Int, at pe: Int = 0, status: String = "\"READ\", \"WRITE\", \"VISIBLE\""
    )
        -> String
    {
        """
        \(name) {
        id = "LVLVLV-0000-0000-0000-0000-0000-000000"
        status = [\(status)]
        segment_count = 1
        segment1 {
        start_extent = 0
        extent_count = \(extents)
        type = "striped"
        stripe_count = 1
        stripes = ["pv0", \(pe)]
        }
        }
        """
    }
}
