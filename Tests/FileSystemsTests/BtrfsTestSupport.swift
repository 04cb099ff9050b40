import BlockIO
import Synchronization
import TestSupport

@testable import FileSystems

/// A fixture image with some bytes replaced in memory (the file is never written): the
/// corruption tests' "patched copy".
final class BtrfsPatchedDevice: BlockDevice {
    let base: any BlockDevice
    let size: UInt64
    private let patches = Mutex([(offset: UInt64, bytes: [UInt8])]())

    init(_ base: any BlockDevice, size: UInt64? = nil) {
        self.base = base
        self.size = size ?? base.size
    }

    convenience init(fixture variant: String, size: UInt64? = nil) throws {
        self.init(try FileDevice(path: Fixtures.path("btrfs-subvols/\(variant)/btrfs.img")), size: size)
    }

    func patch(_ offset: UInt64, _ bytes: [UInt8]) {
        patches.withLock { $0.append((offset, bytes)) }
    }

    func patchLE(_ offset: UInt64, _ value: UInt64, width: Int) {
        patch(offset, (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "patched")
        try base.read(into: buffer, at: offset)
        let end = offset + UInt64(buffer.count)
        for (at, bytes) in patches.withLock({ $0 }) {
            for (i, b) in bytes.enumerated() where at + UInt64(i) >= offset && at + UInt64(i) < end {
                buffer[Int(at + UInt64(i) - offset)] = b
            }
        }
    }

    /// Rewrites the crc32c of the `length`-byte block at `offset` (superblock or tree block).
    func fixChecksum(_ offset: UInt64, length: Int) throws {
        let bytes = try read(at: offset, count: length)
        patchLE(offset, UInt64(BtrfsCRC32C.checksum(bytes, from: 0x20)), width: 4)
    }
}

/// Finds structures of a fixture image to patch.
struct BtrfsLocator {
    let fs: BtrfsFileSystem
    var volume: BtrfsVolume { fs.volume }
    var nodeSize: Int { Int(volume.superblock.nodeSize) }

    init(_ device: any BlockDevice) throws { fs = try BtrfsFileSystem(device: device) }

    /// Every copy (DUP: two) of the tree block at `logical`.
    func copies(_ logical: UInt64) throws -> [UInt64] {
        try volume.chunkMap.physical(logical, count: UInt64(nodeSize), referencedAt: nil)
    }

    /// The leaf holding `key` in `tree`, and the item's index.
    func leaf(_ tree: BtrfsTreeRoot, _ key: BtrfsKey) throws -> (BtrfsNode, Int) {
        var n = try volume.node(tree.logical, referencedAt: nil)
        while !n.isLeaf {
            let i = n.lastIndex(notAfter: key) ?? 0
            n = try volume.node(n.pointers[i].blockNumber, referencedAt: nil)
        }
        guard let i = n.items.firstIndex(where: { $0.key == key }) else {
            throw ImageError("test", .notFound, "no item \(key)")
        }
        return (n, i)
    }

    /// The fs tree and inode of a path in the default view.
    func location(_ path: String) throws -> BtrfsFileSystem.Location {
        guard let loc = try fs.resolve(FSPath(path)) else { throw ImageError("test", .notFound, path) }
        return loc
    }
}
