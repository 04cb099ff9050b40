import BlockIO
import TestSupport
import Testing

@testable import FileSystems

/// Corruptions of exact structures, built by patching a fixture image as it is read.
@Suite struct XFSCorruptionTests {
    func image(_ variant: String = "v5") throws -> PatchedDevice {
        PatchedDevice(try FileDevice(path: XFSFixture.path(variant, "img")))
    }

    /// Runs `body` and returns the `ImageError` it throws, checking it names the xfs layer and the
    /// expected kind and offset.
    @discardableResult
    func expectError(
        _ kind: ImageError.Kind, at offset: UInt64?, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) -> ImageError? {
        do {
            try body()
            Issue.record("no error thrown", sourceLocation: sourceLocation)
            return nil
        } catch let e as ImageError {
            #expect(e.layer == "xfs", sourceLocation: sourceLocation)
            #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
            if let offset { #expect(e.offset == offset, "\(e)", sourceLocation: sourceLocation) }
            #expect(e.offset != nil, "\(e)", sourceLocation: sourceLocation)
            return e
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The inode of `path` in the unpatched image, and the device offset of the inode.
    func locate(_ path: String, in variant: String = "v5") throws -> (XFSInode, UInt64) {
        let fs = try XFSFixture.open(variant)
        let a = try #require(try fs.attributes(of: FSPath(path)))
        return (try fs.inode(a.inode), try fs.superblock.inodeOffset(a.inode))
    }

    func fixInodeChecksum(_ device: inout PatchedDevice, _ inodeOffset: UInt64, size: Int = 512) throws {
        try device.fixChecksum(block: inodeOffset, length: size, field: 0x64)
    }

    @Test func badSuperblockMagic() throws {
        var d = try image()
        d.patch(0, Array("XFSC".utf8))
        #expect(XFSFileSystem.matches(d) == false)
        expectError(.badMagic, at: 0) { _ = try XFSFileSystem(device: d) }
    }

    @Test func wrongSuperblockChecksum() throws {
        var d = try image()
        d.patch(0x6C, Array("tampered".utf8))
        expectError(.corrupt, at: 0xE0) { _ = try XFSFileSystem(device: d) }
        // v4 has no checksum: the same change is just a new label.
        var v4 = try image("v4")
        v4.patch(0x6C, Array("tampered".utf8))
        #expect(try XFSFileSystem(device: v4).identity.label == "tampered")
    }

    @Test(arguments: [UInt32(0), 0xFFFF_FFFF, 3])
    func agCountZeroHugeOrInconsistent(agCount: UInt32) throws {
        var d = try image()
        d.patch(0x58, be32: agCount)
        try d.fixChecksum(block: 0, length: 512, field: 0xE0)
        // 3 AGs cannot hold dblocks: the error names dblocks; 0 and huge name agcount itself.
        expectError(.corrupt, at: agCount == 3 ? 0x08 : 0x58) { _ = try XFSFileSystem(device: d) }
    }

    @Test func unknownIncompatibleFeaturesAreNamed() throws {
        var d = try image()
        let fs = try XFSFixture.open("v5")
        d.patch(0xD8, be32: fs.superblock.incompat.rawValue | 1 << 4 | 1 << 20)
        try d.fixChecksum(block: 0, length: 512, field: 0xE0)
        let e = expectError(.unsupported, at: 0xD8) { _ = try XFSFileSystem(device: d) }
        #expect(e?.detail.contains("needsrepair") == true && e?.detail.contains("unknown 0x100000") == true)
    }

    @Test func deviceShorterThanTheFileSystem() throws {
        let d = try image()
        let short = try SliceDevice(d, start: 0, size: d.size / 2)
        expectError(.truncated, at: 0x08) { _ = try XFSFileSystem(device: short) }
    }

    @Test func inodeWithBadMagic() throws {
        let (_, offset) = try locate("/etc/os-release")
        var d = try image()
        d.patch(offset, Array("XX".utf8))
        let fs = try XFSFileSystem(device: d)
        expectError(.badMagic, at: offset) { _ = try fs.attributes(of: FSPath("/etc/os-release")) }
    }

    @Test func inodeWithWrongChecksum() throws {
        let (_, offset) = try locate("/etc/os-release")
        var d = try image()
        d.patch(offset + 0x38, be64: 12)  // di_size
        let fs = try XFSFileSystem(device: d)
        expectError(.corrupt, at: offset + 0x64) { _ = try fs.attributes(of: FSPath("/etc/os-release")) }
    }

    /// A bmbt node whose first child pointer points back at the node itself (1 KiB blocks, depth 2).
    @Test func bmbtNodePointingToItself() throws {
        let (inode, _) = try locate("/frag", in: "v5-1k")
        let rootMax = (inode.dataFork.count - 4) / 16
        let r = ByteReader(inode.dataFork, layer: "test")
        let node = try r.u64be(at: 4 + rootMax * 8)  // first pointer of the root
        let fs = try XFSFixture.open("v5-1k")
        let nodeOffset = try fs.superblock.deviceBlock(ofFSBlock: node, at: nil) << 10
        let nodeMax = (1024 - 72) / 16
        var d = try image("v5-1k")
        d.patch(nodeOffset + UInt64(72 + nodeMax * 8), be64: node)
        try d.fixChecksum(block: nodeOffset, length: 1024, field: 0x40)
        let patched = try XFSFileSystem(device: d)
        expectError(.loop, at: nodeOffset + UInt64(72 + nodeMax * 8)) {
            _ = try patched.contents(of: FSPath("/frag"), limit: 1 << 30)
        }
    }

    /// Two root pointers to the same leaf (depth 1).
    @Test func bmbtRootPointingTwiceAtOneLeaf() throws {
        let (inode, offset) = try locate("/frag")
        let rootMax = (inode.dataFork.count - 4) / 16
        let r = ByteReader(inode.dataFork, layer: "test")
        let first = try r.u64be(at: 4 + rootMax * 8)
        var d = try image()
        d.patch(inode.dataForkOffset + UInt64(4 + rootMax * 8 + 8), be64: first)
        try fixInodeChecksum(&d, offset)
        let fs = try XFSFileSystem(device: d)
        expectError(.loop, at: inode.dataForkOffset + UInt64(4 + rootMax * 8 + 8)) {
            _ = try fs.contents(of: FSPath("/frag"), limit: 1 << 30)
        }
    }

    /// The first extent of a file moved to the last blocks of the last AG, running past the device.
    @Test func extentPastTheEndOfTheDevice() throws {
        let (inode, offset) = try locate("/files/size-65537")
        #expect(inode.format == .extents)
        let fs = try XFSFixture.open("v5")
        let sb = fs.superblock
        let lastAG = UInt64(sb.agCount - 1)
        let lastAGBlocks = sb.dataBlocks - lastAG * UInt64(sb.agBlocks)
        let start = lastAG << sb.agBlockLog | (lastAGBlocks - 2)
        var d = try image()
        // startoff 0, startblock `start`, blockcount 17.
        d.patch(inode.dataForkOffset, be64: start >> 43)
        d.patch(inode.dataForkOffset + 8, be64: (start & ((1 << 43) - 1)) << 21 | 17)
        try fixInodeChecksum(&d, offset)
        let patched = try XFSFileSystem(device: d)
        expectError(.corrupt, at: inode.dataForkOffset) {
            _ = try patched.contents(of: FSPath("/files/size-65537"), limit: 1 << 20)
        }
    }

    @Test(arguments: ["v5", "v4"])
    func directoryBlockWithBadMagic(variant: String) throws {
        let (inode, _) = try locate("/mid-dir", in: variant)
        let fs = try XFSFixture.open(variant)
        let block = try #require(try fs.extents(of: inode).first).deviceOffset
        var d = try image(variant)
        d.patch(block, Array("XD2X".utf8))
        let patched = try XFSFileSystem(device: d)
        expectError(.badMagic, at: block) { _ = try patched.contents(ofDirectory: FSPath("/mid-dir")) }
    }

    @Test func directoryBlockWithWrongChecksum() throws {
        let (inode, _) = try locate("/big-dir")
        let fs = try XFSFixture.open("v5")
        let block = try #require(try fs.extents(of: inode).first).deviceOffset
        var d = try image()
        d.patch(block + 64 + 9, Array("Z".utf8))  // a byte of the first entry's name
        let patched = try XFSFileSystem(device: d)
        expectError(.corrupt, at: block + 4) { _ = try patched.contents(ofDirectory: FSPath("/big-dir")) }
    }

    @Test(arguments: ["v5", "v4"])
    func shortformDirectoryWithCountPastTheFork(variant: String) throws {
        let (inode, offset) = try locate("/links", in: variant)
        #expect(inode.format == .local)
        var d = try image(variant)
        d.patch(inode.dataForkOffset, [200])
        if variant == "v5" { try fixInodeChecksum(&d, offset) }
        let patched = try XFSFileSystem(device: d)
        let e = expectError(.corrupt, at: nil) { _ = try patched.contents(ofDirectory: FSPath("/links")) }
        if let at = e?.offset { #expect(at >= inode.dataForkOffset && at <= inode.dataForkOffset + inode.size) }
    }

    @Test func remoteSymlinkBlockWithBadMagic() throws {
        let (inode, _) = try locate("/links/remote", in: "v5-1k")
        let fs = try XFSFixture.open("v5-1k")
        let first = try #require(try fs.extents(of: inode).first).deviceOffset
        var d = try image("v5-1k")
        d.patch(first, Array("XSLN".utf8))
        let patched = try XFSFileSystem(device: d)
        expectError(.badMagic, at: first) { _ = try patched.destination(ofSymbolicLink: FSPath("/links/remote")) }
    }

    @Test func directoryEntryNamingAFreeOrMissingInode() throws {
        let (inode, offset) = try locate("/links")
        var d = try image()
        // The first entry's inode number (4 bytes after count, i8count, parent, namelen, offset, name, ftype).
        let nameLength = Int(inode.dataFork[6])
        d.patch(inode.dataForkOffset + UInt64(6 + 3 + nameLength + 1), be32: 0xFFFF_FFF0)
        try fixInodeChecksum(&d, offset)
        let patched = try XFSFileSystem(device: d)
        let name = String(decoding: inode.dataFork[9..<(9 + nameLength)], as: UTF8.self)
        expectError(.corrupt, at: nil) { _ = try patched.attributes(of: FSPath("/links/" + name)) }
    }
}
