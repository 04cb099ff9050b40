import Foundation

/// Builds small qcow2 images byte by byte for exact corruptions: clusters of 4 KiB, cluster 0
/// the header (extensions, backing name), cluster 1 the L1 table, cluster 2 the one L2 table,
/// clusters 3… data.
struct QCOW2Builder {
    var version: UInt32 = 3
    var clusterBits: UInt32 = 12
    var size: UInt64 = 1 << 20
    var cryptMethod: UInt32 = 0
    var incompatible: UInt64 = 0
    var compressionType: UInt8 = 0
    var l1Size: UInt32?
    var l1Offset: UInt64?
    var backingFile: String?
    var backingFormat: String?
    /// Extra header extensions (type, data).
    var extensions: [(UInt32, [UInt8])] = []
    /// Raw L2 entries of the first L2 table, by index (16-byte entries when extended L2 is on).
    var l2: [Int: (UInt64, UInt64)] = [:]
    /// Clusters appended after the L2 table (cluster 3, 4, …).
    var data: [[UInt8]] = []

    var clusterSize: Int { 1 << Int(clusterBits) }
    static func dataCluster(_ i: Int) -> UInt64 { UInt64((3 + i) << 12) }

    func build() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: clusterSize * (3 + data.count))
        func put32(_ v: UInt32, _ at: Int) {
            for i in 0..<4 { out[at + i] = UInt8(truncatingIfNeeded: v >> (24 - 8 * i)) }
        }
        func put64(_ v: UInt64, _ at: Int) {
            for i in 0..<8 { out[at + i] = UInt8(truncatingIfNeeded: v >> (56 - 8 * i)) }
        }
        out.replaceSubrange(0..<4, with: [0x51, 0x46, 0x49, 0xFB])
        put32(version, 4)
        put32(clusterBits, 0x14)
        put64(size, 0x18)
        put32(cryptMethod, 0x20)
        put32(l1Size ?? 1, 0x24)
        put64(l1Offset ?? UInt64(clusterSize), 0x28)
        let headerLength = version == 2 ? 72 : 112
        if version == 3 {
            put64(incompatible, 0x48)
            put32(4, 0x60)
            put32(UInt32(headerLength), 0x64)
            out[0x68] = compressionType
        }
        var p = headerLength
        var all = extensions
        if let backingFormat { all.append((0xE279_2ACA, Array(backingFormat.utf8))) }
        for (type, bytes) in all {
            put32(type, p)
            put32(UInt32(bytes.count), p + 4)
            out.replaceSubrange(p + 8..<p + 8 + bytes.count, with: bytes)
            p += 8 + (bytes.count + 7) / 8 * 8
        }
        p += 8  // end marker
        if let backingFile {
            let name = Array(backingFile.utf8)
            put64(UInt64(p), 0x08)
            put32(UInt32(name.count), 0x10)
            out.replaceSubrange(p..<p + name.count, with: name)
        }
        put64(UInt64(2 * clusterSize), clusterSize)  // L1[0] → L2 table in cluster 2
        let extended = incompatible & (1 << 4) != 0
        for (index, entry) in l2 {
            let at = 2 * clusterSize + index * (extended ? 16 : 8)
            put64(entry.0, at)
            if extended { put64(entry.1, at + 8) }
        }
        for (i, cluster) in data.enumerated() {
            let at = (3 + i) * clusterSize
            out.replaceSubrange(at..<at + cluster.count, with: cluster)
        }
        return out
    }

    /// A raw deflate stream of one stored block holding `bytes` (at most 65535).
    static func storedDeflate(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt16(bytes.count)
        return [0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + bytes
    }

    /// A zstd frame of one raw block holding `bytes` (256 ... 65791 bytes).
    static func rawZstdFrame(_ bytes: [UInt8]) -> [UInt8] {
        let fcs = UInt16(bytes.count - 256)
        let block = UInt32(1) | UInt32(bytes.count) << 3  // last block, raw, size
        return [0x28, 0xB5, 0x2F, 0xFD, 0x60, UInt8(fcs & 0xFF), UInt8(fcs >> 8)]
            + [UInt8(block & 0xFF), UInt8((block >> 8) & 0xFF), UInt8(block >> 16)] + bytes
    }

    /// The L2 entry of a compressed cluster at `offset` spanning `sectors` 512-byte sectors.
    func compressedEntry(offset: UInt64, sectors: UInt64) -> UInt64 {
        let shift = 62 - (UInt64(clusterBits) - 8)
        return 1 << 62 | (sectors - 1) << shift | offset
    }
}

/// Writes files into a fresh temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
