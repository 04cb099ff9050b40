import BlockIO
import TestSupport
import Testing

@testable import FileSystems

/// Name lookups through the leaf and node hash indexes agree with the full listing.
@Suite struct XFSLookupTests {
    static let cases: [(String, String)] = [
        ("v5", "/huge-dir"), ("v5", "/big-dir"), ("v5", "/node-dir"), ("v5", "/leaf-dir"), ("v5", "/mid-dir"),
        ("v5-1k", "/big-dir"), ("v5-1k", "/leaf-dir"), ("v4", "/big-dir"), ("v4-ftype", "/big-dir"),
        ("v5-meta", "/node-dir"),
    ]

    @Test(arguments: cases)
    func everyNameIsFoundThroughTheHashIndex(variant: String, path: String) throws {
        let listed = try XFSFixture.open(variant)
        let dirInode = try #require(try listed.attributes(of: FSPath(path))).inode
        let all = try listed.directory(listed.inode(dirInode)).entries
        let fs = try XFSFixture.open(variant)
        let dir = try fs.inode(dirInode)
        // Every name of the smaller directories, every 7th of the 20000 (each lookup re-reads its blocks).
        for (i, (name, entry)) in all.enumerated() where all.count < 5000 || i % 7 == 0 {
            let found = try fs.lookup(name, in: dir)
            #expect(found?.inode == entry.inode, "\(path)/\(name)")
        }
        #expect(try fs.lookup("no-such-name", in: dir) == nil)
        #expect(try fs.lookup(String(repeating: "x", count: 255), in: dir) == nil)
    }

    @Test func hashMatchesXFSDB() {
        // xfs_db -r -c 'hash <name>' v5.img
        #expect(XFSFileSystem.hashName(Array("big-dir".utf8)) == 0x75b8_bfbc)
        #expect(XFSFileSystem.hashName(Array("empty-dir".utf8)) == 0xf062_f755)
        #expect(XFSFileSystem.hashName(Array("etc".utf8)) == 0x0019_7a63)
        #expect(XFSFileSystem.hashName(Array("links".utf8)) == 0xcd3b_b5f5)
    }

    /// Looking one name up in the 20000-entry directory reads a few blocks, not the directory.
    @Test func oneLookupInAHugeDirectoryReadsLittle() throws {
        let counter = ReadCounter()
        let device = CountingDevice(try FileDevice(path: XFSFixture.path("v5", "img")), counter: counter)
        let fs = try XFSFileSystem(device: device)
        let a = try #require(try fs.attributes(of: FSPath("/huge-dir/file-with-a-longish-name-12345")))
        #expect(a.type == .regular && a.size == 0)
        print("xfs v5: stat of one name in the 20000-entry directory read \(counter.bytes) bytes")
        #expect(counter.bytes < 128 << 10)
    }

    @Test func indexNodePointingToItselfIsALoop() throws {
        let fs = try XFSFixture.open("v5")
        let a = try #require(try fs.attributes(of: FSPath("/huge-dir")))
        let dir = try fs.inode(a.inode)
        let extents = try fs.extents(of: dir)
        let leafStart = XFS.directoryLeafOffset >> 12
        let root = try #require(XFSFileSystem.extent(containing: leafStart, in: extents))
        let rootOffset = root.deviceOffset + (leafStart - root.logicalBlock) * 4096
        guard case .node = try fs.indexBlock(leafStart, of: dir, extents: extents).kind else {
            Issue.record("the 20000-entry directory has no da-btree node")
            return
        }
        var d = PatchedDevice(try FileDevice(path: XFSFixture.path("v5", "img")))
        // Every entry's hashval to the maximum and its child to the node itself.
        for i in 0..<64 {
            d.patch(rootOffset + UInt64(64 + i * 8), be32: 0xFFFF_FFFF)
            d.patch(rootOffset + UInt64(64 + i * 8 + 4), be32: UInt32(leafStart))
        }
        try d.fixChecksum(block: rootOffset, length: 4096, field: 12)
        let patched = try XFSFileSystem(device: d)
        do {
            _ = try patched.attributes(of: FSPath("/huge-dir/file-with-a-longish-name-1"))
            Issue.record("no error")
        } catch let e as ImageError {
            #expect(e.kind == .loop && e.layer == "xfs" && e.offset != nil, "\(e)")
        }
    }
}

@Suite struct XFSChecksumTests {
    @Test func crc32cOfTheCheckString() {
        #expect(XFSChecksum.checksum(Array("123456789".utf8)) == 0xE306_9283)
        // The skipped field reads as zeros.
        let a = Array("1234abcd5678".utf8)
        let b = Array("1234\0\0\0\05678".utf8)
        #expect(XFSChecksum.checksum(a, skipping: 4) == XFSChecksum.checksum(b))
    }
}
