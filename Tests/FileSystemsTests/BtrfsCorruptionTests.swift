import BlockIO
import TestSupport
import Testing

@testable import FileSystems

/// Exact corruptions of the btrfs fixture, patched in memory, each asserting the error kind and
/// that the layer and device offset are named.
@Suite struct BtrfsCorruptionTests {
    static let primary: UInt64 = 0x1_0000

    func expectError(
        _ kind: ImageError.Kind, at offset: UInt64?, containing text: String? = nil, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected a \(kind) error")
        } catch let e as ImageError {
            #expect(e.kind == kind, "\(e)")
            #expect(e.layer == "btrfs", "\(e)")
            #expect(e.offset != nil, "\(e)")
            if let offset { #expect(e.offset == offset, "\(e)") }
            if let text { #expect(e.detail.contains(text), "\(e)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func badPrimaryMagicFallsBackToTheMirrorAt64MiB() throws {
        let dev = try BtrfsPatchedDevice(fixture: "dup")
        dev.patch(Self.primary + 0x40, Array("_BHRfS_X".utf8))
        #expect(!BtrfsFileSystem.matches(dev))
        let fs = try BtrfsFileSystem(device: dev)
        #expect(fs.volume.superblock.offset == 0x400_0000)
        #expect(try fs.attributes(of: FSPath("/etc/os-release"))?.size == 55)
    }

    @Test func badMagicWithoutRoomForAMirrorIsAnError() throws {
        let dev = try BtrfsPatchedDevice(fixture: "dup", size: 0x400_0000)
        dev.patch(Self.primary + 0x40, Array("_BHRfS_X".utf8))
        expectError(.badMagic, at: Self.primary + 0x40) { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func superblockChecksumMismatchFallsBackToTheMirror() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        dev.patch(Self.primary + 0x12B, Array("damaged".utf8))  // label, checksum not fixed
        let fs = try BtrfsFileSystem(device: dev)
        #expect(fs.volume.superblock.offset == 0x400_0000)
        #expect(fs.identity.label == "single-root")
    }

    @Test func superblockChecksumMismatchWithoutMirrorIsAnError() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single", size: 0x300_0000)
        dev.patch(Self.primary + 0x12B, Array("damaged".utf8))
        expectError(.corrupt, at: Self.primary, containing: "checksum") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func rootTreeAddressInAChunkMapHole() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        dev.patchLE(Self.primary + 0x50, 0x7F00_0000_0000, width: 8)  // root
        try dev.fixChecksum(Self.primary, length: 4096)
        expectError(.corrupt, at: Self.primary + 0x50, containing: "chunk map hole") {
            _ = try BtrfsFileSystem(device: dev)
        }
    }

    @Test func subvolumeRootInAChunkMapHole() throws {
        let dev = try BtrfsPatchedDevice(fixture: "dup")
        let loc = try BtrfsLocator(dev)
        let (leaf, i) = try loc.leaf(loc.volume.rootTree, BtrfsKey(257, Btrfs.rootItem, 0))
        let field = UInt64(leaf.items[i].start + 0xB0)  // ROOT_ITEM bytenr
        for copy in try loc.copies(leaf.logical) {
            dev.patchLE(copy + field, 0x7F00_0000_0000, width: 8)
            try dev.fixChecksum(copy, length: loc.nodeSize)
        }
        let fs = try BtrfsFileSystem(device: dev)
        expectError(.corrupt, at: leaf.physical + field, containing: "chunk map hole") {
            _ = try fs.contents(ofDirectory: FSPath("/home"))
        }
    }

    @Test func treeBlockWithABadChecksum() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let root = try loc.copies(loc.volume.superblock.rootTree)
        #expect(root.count == 1)
        dev.patch(root[0] + 200, [0xFF, 0xFE])
        expectError(.corrupt, at: root[0], containing: "checksum") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func dupMetadataSurvivesOneDamagedCopy() throws {
        let dev = try BtrfsPatchedDevice(fixture: "dup")
        let loc = try BtrfsLocator(dev)
        let copies = try loc.copies(loc.volume.superblock.rootTree)
        #expect(copies.count == 2)
        dev.patch(copies[0] + 200, [0xFF, 0xFE])
        let fs = try BtrfsFileSystem(device: dev)
        #expect(try fs.subvolumes().count == 6)
        dev.patch(copies[1] + 200, [0xFF, 0xFE])
        expectError(.corrupt, at: copies[0], containing: "checksum") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func childPointingBackToItsAncestorIsALoop() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let tree = try loc.location("/big-dir").root.tree
        let top = try loc.volume.node(tree.logical, referencedAt: nil)
        #expect(top.level >= 1)
        let last = top.pointers[top.pointers.count - 1]
        dev.patchLE(last.at, tree.logical, width: 8)
        try dev.fixChecksum(top.physical, length: loc.nodeSize)
        let fs = try BtrfsFileSystem(device: dev)
        expectError(.loop, at: last.at) { _ = try TreeListing.list(fs, compareContents: false) }
    }

    @Test func itemDataPastTheLeafIsCorrupt() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let root = try loc.copies(loc.volume.superblock.rootTree)[0]
        let item0 = root + 101 + 17  // first item's data offset
        dev.patchLE(item0, UInt64(loc.nodeSize), width: 4)
        try dev.fixChecksum(root, length: loc.nodeSize)
        expectError(.corrupt, at: item0, containing: "outside leaf") { _ = try BtrfsFileSystem(device: dev) }
    }

    /// The first extent of compressible/text-300k in @ (zstd), @/home (zlib) and @/srv (lzo),
    /// with ram_bytes shrunk to one page: decompression stops at the cap.
    @Test(arguments: [
        ("/compressible/text-300k", "zstd"), ("/home/compressible/text-300k", "zlib"),
        ("/srv/compressible/text-300k", "lzo"),
    ])
    func compressedExtentInflatingPastRamBytes(path: String, algorithm: String) throws {
        let dev = try BtrfsPatchedDevice(fixture: "dup")
        let loc = try BtrfsLocator(dev)
        let file = try loc.location(path)
        let (leaf, i) = try loc.leaf(file.root.tree, BtrfsKey(file.inode, Btrfs.extentData, 0))
        let item = leaf.items[i]
        #expect(leaf.bytes[item.start + 0x10] == ["zlib": 1, "lzo": 2, "zstd": 3][algorithm])
        for copy in try loc.copies(leaf.logical) {
            dev.patchLE(copy + UInt64(item.start + 8), 4096, width: 8)  // ram_bytes
            try dev.fixChecksum(copy, length: loc.nodeSize)
        }
        let fs = try BtrfsFileSystem(device: dev)
        expectError(.corrupt, at: nil, containing: "\(algorithm) extent inflates past its ram_bytes") {
            _ = try fs.contents(of: FSPath(path), limit: 1 << 20)
        }
    }

    @Test func raid1ChunkProfileIsRefusedByName() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let sys = Self.primary + 0x32B  // sys_chunk_array: key (17) then chunk item, type at 0x18
        let typeAt = sys + 17 + 0x18
        dev.patchLE(typeAt, 0x2 | 0x10, width: 8)  // SYSTEM | RAID1
        try dev.fixChecksum(Self.primary, length: 4096)
        expectError(.unsupported, at: typeAt, containing: "RAID1 profile") { _ = try BtrfsFileSystem(device: dev) }
    }
}

extension BtrfsCorruptionTests {
    @Test func hugeItemCountIsCorrupt() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let root = try loc.copies(loc.volume.superblock.rootTree)[0]
        dev.patchLE(root + 0x60, 0xFFFF_FFFF, width: 4)  // nritems
        try dev.fixChecksum(root, length: loc.nodeSize)
        expectError(.corrupt, at: root + 0x60, containing: "claims") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func keysOutOfOrderAreCorrupt() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let root = try loc.copies(loc.volume.superblock.rootTree)[0]
        let second = root + 101 + 25  // second item's key objectid
        dev.patchLE(second, 0, width: 8)
        try dev.fixChecksum(root, length: loc.nodeSize)
        expectError(.corrupt, at: second, containing: "out of order") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func treeBlockLevelAboveTheMaximumIsCorrupt() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single")
        let loc = try BtrfsLocator(dev)
        let root = try loc.copies(loc.volume.superblock.rootTree)[0]
        dev.patch(root + 0x64, [9])
        try dev.fixChecksum(root, length: loc.nodeSize)
        expectError(.corrupt, at: root + 0x64, containing: "level") { _ = try BtrfsFileSystem(device: dev) }
    }

    @Test func truncatedImageIsAnError() throws {
        let dev = try BtrfsPatchedDevice(fixture: "single", size: 0x1_0000 + 100)
        #expect(!BtrfsFileSystem.matches(dev))
        expectError(.truncated, at: nil) { _ = try BtrfsFileSystem(device: dev) }
    }
}

extension BtrfsCorruptionTests {
    /// The fixture followed by 256 GiB of zeros, with the 64 MiB mirror copied to 256 GiB (its
    /// bytenr and checksum rewritten): when the primary and the first mirror are both damaged,
    /// the third copy is used.
    @Test func thirdMirrorAt256GiBIsUsedWhenTheOthersAreDamaged() throws {
        let image = try FileDevice(path: Fixtures.path("btrfs-subvols/dup/btrfs.img"))
        let big = try ConcatDevice([image, ZeroDevice(size: 0x40_0000_0000)])
        let dev = BtrfsPatchedDevice(big)
        let third: UInt64 = 0x40_0000_0000
        dev.patch(third, try image.read(at: 0x400_0000, count: 4096))
        dev.patchLE(third + 0x30, third, width: 8)
        try dev.fixChecksum(third, length: 4096)
        dev.patch(Self.primary + 0x40, Array("_BHRfS_X".utf8))
        dev.patch(0x400_0000 + 0x40, Array("_BHRfS_X".utf8))
        let fs = try BtrfsFileSystem(device: dev)
        #expect(fs.volume.superblock.offset == third)
        #expect(try fs.contents(of: FSPath("/etc/hostname"), limit: 100) == Array("common\n".utf8))
        dev.patch(third + 0x40, Array("_BHRfS_X".utf8))
        expectError(.badMagic, at: Self.primary + 0x40) { _ = try BtrfsFileSystem(device: dev) }
    }
}
