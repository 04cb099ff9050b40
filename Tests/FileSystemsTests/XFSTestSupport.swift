import BlockIO
import Foundation
import TestSupport

@testable import FileSystems

/// The variants built by images/fixtures/xfs-common.sh.
enum XFSFixture {
    static let variants = ["v5", "v5-1k", "v5-meta", "v4", "v4-ftype"]

    static func path(_ variant: String, _ suffix: String) throws -> String {
        try Fixtures.path("xfs-common/\(variant).\(suffix)")
    }

    static func open(_ variant: String) throws -> XFSFileSystem {
        try XFSFileSystem(device: FileDevice(path: path(variant, "img")))
    }

    /// One line of `<variant>.formats`: what xfs_db says about an inode.
    struct Format {
        var path: String
        var inode: UInt64
        var format: String
        var extentCount: UInt64
        var level: Int
        var directoryForm: String
    }

    static func formats(_ variant: String) throws -> [String: Format] {
        let text = try String(contentsOfFile: path(variant, "formats"), encoding: .utf8)
        var out: [String: Format] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 6 else { continue }
            out[f[0]] = Format(
                path: f[0], inode: UInt64(f[1]) ?? 0, format: f[2], extentCount: UInt64(f[3]) ?? 0,
                level: Int(f[4]) ?? -1, directoryForm: f[5])
        }
        return out
    }
}

/// A device that reads as `base` with some bytes replaced: a corrupted copy of a fixture
/// without copying it.
struct PatchedDevice: BlockDevice {
    let base: any BlockDevice
    var patches: [(offset: UInt64, bytes: [UInt8])] = []
    var size: UInt64 { base.size }

    init(_ base: any BlockDevice) { self.base = base }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try base.read(into: buffer, at: offset)
        let end = offset + UInt64(buffer.count)
        for p in patches {
            for (i, b) in p.bytes.enumerated() {
                let at = p.offset + UInt64(i)
                if at >= offset, at < end { buffer[Int(at - offset)] = b }
            }
        }
    }

    /// Replaces bytes at `offset`.
    mutating func patch(_ offset: UInt64, _ bytes: [UInt8]) { patches.append((offset, bytes)) }

    mutating func patch(_ offset: UInt64, be32 v: UInt32) {
        patch(offset, (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) })
    }

    mutating func patch(_ offset: UInt64, be64 v: UInt64) {
        patch(offset, (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) })
    }

    /// Recomputes the XFS CRC-32C of the `length`-byte block at `start`, stored at `start + field`,
    /// so a patch is seen by the check behind the checksum.
    mutating func fixChecksum(block start: UInt64, length: Int, field: Int) throws {
        let bytes = try read(at: start, count: length)
        let crc = XFSChecksum.checksum(bytes, skipping: field)
        patch(start + UInt64(field), (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
    }
}
