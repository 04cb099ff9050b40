import BlockIO
import Foundation
import Guest
import PackageDatabases

/// Helpers shared by the rpm test suites.
enum RPMTestSupport {
    /// `NAME\tEPOCHNUM\tVERSION\tRELEASE\tARCH`, sorted as `LC_ALL=C sort` does.
    static func lines(_ packages: [InstalledPackage]) -> [String] {
        sortedC(
            packages.map {
                "\($0.name)\t\($0.epoch ?? 0)\t\($0.version)\t\($0.release ?? "")\t\($0.architecture ?? "(none)")"
            })
    }

    static func sortedC(_ lines: [String]) -> [String] {
        lines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The non-empty lines of a text file.
    static func readLines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The `ImageError` a throwing call produced, nil when it did not throw.
    static func error<T>(_ body: () throws -> T) -> ImageError? {
        do {
            _ = try body()
            return nil
        } catch let e as ImageError {
            return e
        } catch {
            return ImageError("test", .corrupt, "not an ImageError: \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    mutating func putBE32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> (24 - 8 * k)) }
    }
    mutating func putLE32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }
    mutating func putLE16(_ v: UInt16, at i: Int) {
        self[i] = UInt8(truncatingIfNeeded: v)
        self[i + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }
    mutating func putBE16(_ v: UInt16, at i: Int) {
        self[i] = UInt8(truncatingIfNeeded: v >> 8)
        self[i + 1] = UInt8(truncatingIfNeeded: v)
    }
    static func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

/// Builds rpm header blobs entry by entry, with an immutable region (tag 63) covering them all.
struct RPMHeaderBuilder {
    struct Item {
        var tag: UInt32
        var type: UInt32
        var count: UInt32
        var data: [UInt8]
    }
    var items: [Item] = []
    var region = true

    mutating func string(_ tag: UInt32, _ s: String) {
        items.append(Item(tag: tag, type: 6, count: 1, data: Array(s.utf8) + [0]))
    }
    mutating func i18n(_ tag: UInt32, _ s: [String]) {
        items.append(Item(tag: tag, type: 9, count: UInt32(s.count), data: s.flatMap { Array($0.utf8) + [0] }))
    }
    mutating func strings(_ tag: UInt32, _ s: [String]) {
        items.append(Item(tag: tag, type: 8, count: UInt32(s.count), data: s.flatMap { Array($0.utf8) + [0] }))
    }
    mutating func int32(_ tag: UInt32, _ v: [UInt32]) {
        items.append(Item(tag: tag, type: 4, count: UInt32(v.count), data: v.flatMap { [UInt8].be32($0) }))
    }
    mutating func int16(_ tag: UInt32, _ v: [UInt16]) {
        items.append(
            Item(tag: tag, type: 3, count: UInt32(v.count), data: v.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
    }
    mutating func int8(_ tag: UInt32, _ v: [UInt8]) {
        items.append(Item(tag: tag, type: 2, count: UInt32(v.count), data: v))
    }
    mutating func int64(_ tag: UInt32, _ v: [UInt64]) {
        items.append(
            Item(
                tag: tag, type: 5, count: UInt32(v.count),
                data: v.flatMap { x in (0..<8).map { UInt8(truncatingIfNeeded: x >> (56 - 8 * $0)) } }))
    }
    mutating func bin(_ tag: UInt32, _ v: [UInt8]) {
        items.append(Item(tag: tag, type: 7, count: UInt32(v.count), data: v))
    }

    /// A small package header: name, epoch, version, release, arch, sourcerpm and three files.
    static func package(_ name: String = "cloud-init", epoch: UInt32? = nil, version: String = "23.4")
        -> RPMHeaderBuilder
    {
        var b = RPMHeaderBuilder()
        b.string(1000, name)
        b.string(1001, version)
        b.string(1002, "1.el9")
        if let epoch { b.int32(1003, [epoch]) }
        b.string(1022, "noarch")
        b.string(1044, "\(name)-\(version)-1.el9.src.rpm")
        b.int32(1116, [0, 0, 1])
        b.strings(1117, ["cloud-init", "cloud-id", "cloud.cfg"])
        b.strings(1118, ["/usr/bin/", "/etc/cloud/"])
        return b
    }

    /// The blob: il, dl, index entries (region first), data (aligned per type), region trailer.
    func build() -> [UInt8] {
        var store: [UInt8] = []
        var index: [UInt8] = []
        for item in items {
            let align = item.type == 3 ? 2 : item.type == 4 ? 4 : item.type == 5 ? 8 : 1
            while store.count % align != 0 { store.append(0) }
            index +=
                [UInt8].be32(item.tag) + [UInt8].be32(item.type) + [UInt8].be32(UInt32(store.count))
                + [UInt8].be32(item.count)
            store += item.data
        }
        var il = UInt32(items.count)
        if region {
            let ril = UInt32(items.count + 1)
            let trailer =
                [UInt8].be32(63) + [UInt8].be32(7) + [UInt8].be32(UInt32(bitPattern: -Int32(ril * 16)))
                + [UInt8].be32(16)
            index = [UInt8].be32(63) + [UInt8].be32(7) + [UInt8].be32(UInt32(store.count)) + [UInt8].be32(16) + index
            store += trailer
            il += 1
        }
        return [UInt8].be32(il) + [UInt8].be32(UInt32(store.count)) + index + store
    }
}

/// Builds a Berkeley DB hash file: metadata page, one bucket page per bucket, overflow chains.
struct BerkeleyDBBuilder {
    var pageSize = 512
    var littleEndian = true
    /// Records per bucket; the value goes off-page when longer than `inlineLimit`.
    var buckets: [[(key: [UInt8], value: [UInt8])]] = [[]]
    var inlineLimit = 64

    private func put32(_ p: inout [UInt8], _ v: UInt32, _ at: Int) {
        littleEndian ? p.putLE32(v, at: at) : p.putBE32(v, at: at)
    }
    private func put16(_ p: inout [UInt8], _ v: UInt16, _ at: Int) {
        littleEndian ? p.putLE16(v, at: at) : p.putBE16(v, at: at)
    }

    private func header(_ number: Int, type: UInt8, next: Int = 0, entries: Int = 0, hf: Int = 0) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: pageSize)
        put32(&p, UInt32(number), 8)
        put32(&p, UInt32(next), 16)
        put16(&p, UInt16(entries), 20)
        put16(&p, UInt16(hf), 22)
        p[25] = type
        return p
    }

    func build() -> [UInt8] {
        var pages: [[UInt8]] = [[]]  // page 0 filled last
        let bucketPages = buckets.count
        for _ in 0..<bucketPages { pages.append([]) }
        for (b, records) in buckets.enumerated() {
            let number = 1 + b
            var page = header(number, type: 13, entries: records.count * 2)
            var top = pageSize
            var slot = 26
            for r in records {
                for (i, item) in [r.key, r.value].enumerated() {
                    var bytes: [UInt8]
                    if i == 1, item.count > inlineLimit {
                        // Off-page: chain of overflow pages.
                        let chunk = pageSize - 26
                        let first = pages.count
                        var offset = 0
                        while offset < item.count {
                            let n = min(chunk, item.count - offset)
                            let me = pages.count
                            let next = offset + n < item.count ? me + 1 : 0
                            var ov = header(me, type: 7, next: next, hf: n)
                            ov.replaceSubrange(26..<26 + n, with: item[offset..<offset + n])
                            pages.append(ov)
                            offset += n
                        }
                        bytes = [3, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
                        put32(&bytes, UInt32(first), 4)
                        put32(&bytes, UInt32(item.count), 8)
                    } else {
                        bytes = [1] + item
                    }
                    top -= bytes.count
                    page.replaceSubrange(top..<top + bytes.count, with: bytes)
                    put16(&page, UInt16(top), slot)
                    slot += 2
                }
            }
            pages[number] = page
        }
        var meta = [UInt8](repeating: 0, count: pageSize)
        put32(&meta, 0x0006_1561, 12)
        put32(&meta, 9, 16)
        put32(&meta, UInt32(pageSize), 20)
        meta[25] = 8
        put32(&meta, UInt32(pages.count - 1), 32)
        put32(&meta, UInt32(bucketPages - 1), 72)  // max_bucket
        put32(&meta, 1, 96)  // spares[0]: bucket 0 on page 1
        // bucket b (b ≥ 1) on page 1 + b: spares[bits(b)] = 1.
        for i in 1..<32 { put32(&meta, 1, 96 + 4 * i) }
        pages[0] = meta
        return pages.flatMap { $0 }
    }
}

/// Builds an ndb Packages.db: header, one slot page, blobs with head, tail and Adler-32.
struct NDBBuilder {
    var blobs: [(index: UInt32, bytes: [UInt8])] = []

    static func adler32(_ b: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var s: UInt32 = 0
        for x in b {
            a = (a + UInt32(x)) % 65521
            s = (s + a) % 65521
        }
        return s << 16 | a
    }

    func build() -> [UInt8] {
        var file = [UInt8](repeating: 0, count: 4096)
        file.replaceSubrange(0..<4, with: Array("RpmP".utf8))
        file.putLE32(1, at: 12)  // slotnpages
        file.putLE32(UInt32(blobs.count + 1), at: 16)
        for s in stride(from: 32, to: 4096, by: 16) { file.replaceSubrange(s..<s + 4, with: Array("Slot".utf8)) }
        for (i, blob) in blobs.enumerated() {
            let blockOffset = file.count / 16
            var head =
                Array("BlbS".utf8) + [UInt8].le32(blob.index) + [UInt8].le32(7) + [UInt8].le32(UInt32(blob.bytes.count))
            head += blob.bytes
            let total = (head.count + 12 + 15) / 16 * 16
            head += [UInt8](repeating: 0, count: total - 12 - head.count)
            let tail = [UInt8].le32(Self.adler32(head)) + [UInt8].le32(UInt32(blob.bytes.count)) + Array("BlbE".utf8)
            file += head + tail
            let slot = 32 + 16 * i
            file.putLE32(blob.index, at: slot + 4)
            file.putLE32(UInt32(blockOffset), at: slot + 8)
            file.putLE32(UInt32(total / 16), at: slot + 12)
        }
        return file
    }
}
