import BlockIO
import Foundation
import TestSupport
import Testing

@testable import FileSystems

@Suite struct XFSFileSystemTests {
    /// Every inode xfs_db described has the inode number and data fork format it printed, and a
    /// bmbt root of the level it printed.
    @Test(arguments: XFSFixture.variants)
    func forkFormatsMatchXFSDB(variant: String) throws {
        let fs = try XFSFixture.open(variant)
        for (path, expected) in try XFSFixture.formats(variant) {
            let a = try #require(try fs.attributes(of: FSPath(path)))
            #expect(a.inode == expected.inode, "\(path)")
            let inode = try fs.inode(a.inode)
            #expect("\(inode.format)" == expected.format, "\(path)")
            #expect(inode.dataExtentCount == expected.extentCount, "\(path)")
            if inode.format == .btree {
                let level = Int(inode.dataFork[0]) << 8 | Int(inode.dataFork[1])
                #expect(level == expected.level, "\(path)")
                #expect(try fs.extents(of: inode).count == Int(expected.extentCount), "\(path)")
            }
        }
    }

    /// The fixture really has a btree-format fragmented file (depth 2 with 1 KiB blocks) and
    /// directories in every form, node ones with a bmbt data fork; all of them read right.
    @Test func fragmentedFileAndBigDirectoriesHaveTheFormsTheyTest() throws {
        let v5 = try XFSFixture.formats("v5")
        #expect(v5["/frag"]?.format == "btree" && (v5["/frag"]?.level ?? 0) >= 1)
        #expect(v5["/huge-dir"]?.format == "btree" && v5["/huge-dir"]?.directoryForm == "node")
        #expect(v5["/big-dir"]?.directoryForm == "node")
        #expect(v5["/node-dir"]?.format == "extents" && v5["/node-dir"]?.directoryForm == "node")
        #expect(v5["/leaf-dir"]?.directoryForm == "leaf")
        #expect(v5["/mid-dir"]?.directoryForm == "block")
        #expect(v5["/links"]?.directoryForm == "shortform")
        let oneK = try XFSFixture.formats("v5-1k")
        #expect(oneK["/frag"]?.format == "btree" && (oneK["/frag"]?.level ?? 0) >= 2)

        let fs = try XFSFixture.open("v5")
        #expect(try fs.contents(ofDirectory: FSPath("/huge-dir")).count == 20000)
        #expect(try fs.contents(ofDirectory: FSPath("/big-dir")).count == 3000)
        #expect(try fs.contents(of: FSPath("/huge-dir/file-with-a-longish-name-19999"), limit: 10) == [])
        // /frag: block 2i holds 4096 bytes of 0x41 + i % 26, odd blocks are holes.
        let frag = try fs.contents(of: FSPath("/frag"), limit: 1 << 30)
        #expect(frag.count == 1199 * 4096)
        for i in stride(from: 0, to: 1199, by: 1) {
            let expected: UInt8 = i % 2 == 0 ? UInt8(0x41 + (i / 2) % 26) : 0
            #expect(frag[i * 4096] == expected && frag[i * 4096 + 4095] == expected, "block \(i)")
        }
        let fs1k = try XFSFixture.open("v5-1k")
        let frag1k = try fs1k.read(FSPath("/frag"), at: 2999 * 2048, count: 4096)
        #expect(frag1k == [UInt8](repeating: UInt8(0x41 + 2999 % 26), count: 1024))
    }

    /// A 1000-byte symlink target lives in blocks with "XSLM" headers: one 4 KiB block, or two
    /// 1 KiB blocks.
    @Test(arguments: ["v5", "v5-1k", "v5-meta"])
    func remoteSymlinksOnV5(variant: String) throws {
        #expect(try XFSFixture.formats(variant)["/links/remote"]?.format == "extents")
        let fs = try XFSFixture.open(variant)
        #expect(try fs.destination(ofSymbolicLink: FSPath("/links/remote")) == String(repeating: "r/", count: 500))
        let inode = try fs.inode(try #require(try fs.attributes(of: FSPath("/links/remote"))).inode)
        let blocks = try fs.extents(of: inode).reduce(0) { $0 + $1.blockCount }
        #expect(blocks == (variant == "v5-1k" ? 2 : 1))
    }

    /// A reflinked copy shares its blocks with the original and reads the same; every inode has
    /// an attr fork (a label, as SELinux sets), so the data forks are the 192 bytes before it.
    @Test func reflinkedCopiesAndAttrForks() throws {
        let fs = try XFSFixture.open("v5")
        let original = try #require(try fs.attributes(of: FSPath("/files/big-1MiB-plus-3")))
        let copy = try #require(try fs.attributes(of: FSPath("/files/reflinked")))
        #expect(original.inode != copy.inode)
        #expect(try fs.extents(of: fs.inode(original.inode)) == fs.extents(of: fs.inode(copy.inode)))
        #expect(
            try fs.contents(of: FSPath("/files/reflinked"), limit: 2 << 20)
                == fs.contents(of: FSPath("/files/big-1MiB-plus-3"), limit: 2 << 20))
        for path in ["/frag", "/links", "/huge-dir", "/files/sparse"] {
            let inode = try fs.inode(try #require(try fs.attributes(of: FSPath(path))).inode)
            #expect(inode.dataFork.count == 192, "\(path)")
        }
    }

    /// Random reads of the sparse file equal the bytes copied from the loop mount.
    @Test func randomReadsOfTheSparseFileMatchTheLoopMount() throws {
        let fs = try XFSFixture.open("v5")
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: XFSFixture.path("v5", "sparse"))))
        let path = try FSPath("/files/sparse")
        var rng = SystemRandomNumberGenerator()
        var cases: [(UInt64, Int)] = [
            (0, 5000), (4999, 2), (4 << 20, 70000), ((4 << 20) - 10, 20), ((8 << 20) - 150, 4096),
        ]
        for _ in 0..<50 {
            cases.append((UInt64.random(in: 0..<(8 << 20), using: &rng), Int.random(in: 0..<300_000, using: &rng)))
        }
        for (offset, count) in cases {
            let got = try fs.read(path, at: offset, count: count)
            let end = min(reference.count, Int(offset) + count)
            #expect(got == Array(reference[Int(offset)..<end]), "at \(offset) count \(count)")
        }
        // Unwritten extents and punched holes read as zeros.
        let unwritten = try fs.contents(of: FSPath("/unwritten"), limit: 1 << 20)
        #expect(unwritten.count == 256 << 10)
        #expect(
            unwritten[0..<(64 << 10)].allSatisfy { $0 == 0 }
                && unwritten[(64 << 10)..<(68 << 10)].allSatisfy { $0 == 0x55 })
        #expect(unwritten[(68 << 10)...].allSatisfy { $0 == 0 })
        let punched = try fs.contents(of: FSPath("/punched"), limit: 1 << 20)
        #expect(punched.count == 192 << 10)
        #expect(
            punched[(32 << 10)..<(96 << 10)].allSatisfy { $0 == 0 } && punched[(96 << 10)...].allSatisfy { $0 == 0x66 })
    }

    /// Bytes read to list the 3000-entry directory and to read /etc/os-release from a fresh open.
    @Test(arguments: XFSFixture.variants)
    func readsOnlyWhatItNeeds(variant: String) throws {
        let counter = ReadCounter()
        let device = CountingDevice(try FileDevice(path: XFSFixture.path(variant, "img")), counter: counter)
        let clock = ContinuousClock()
        let start = clock.now
        let fs = try XFSFileSystem(device: device)
        #expect(try fs.contents(ofDirectory: FSPath("/big-dir")).count == 3000)
        let listing = counter.bytes
        let elapsed = clock.now - start
        let fs2 = try XFSFileSystem(
            device: CountingDevice(try FileDevice(path: XFSFixture.path(variant, "img")), counter: counter))
        let before = counter.bytes
        let osRelease = try fs2.contents(of: FSPath("/etc/os-release"), limit: 4096)
        let read = counter.bytes - before
        print(
            "xfs \(variant): listing /big-dir read \(listing) bytes in \(elapsed) (debug); /etc/os-release \(read) bytes"
        )
        #expect(String(decoding: osRelease, as: UTF8.self).hasPrefix("PRETTY_NAME="))
        #expect(listing < 2 << 20)
        #expect(read < 256 << 10)
    }
}
