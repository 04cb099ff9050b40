import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// ext2/3/4 images built by `images/fixtures/ext4-common.sh` (mke2fs -d, and a loop mount for
/// deep.img), compared with what the kernel reads through a read-only loop mount and with debugfs
/// (the listing, identity and lookups every file system shares: FileSystemContractTests).
@Suite struct Ext4FileSystemTests {
    static let variants = ["ext4", "inline", "ext4-1k", "ext3", "ext2", "metabg", "deep"]
    static let withSparseFile = ["ext4", "inline", "ext4-1k", "ext3", "ext2", "metabg"]

    static func open(_ variant: String) throws -> Ext4FileSystem {
        try Ext4FileSystem(device: FileDevice(path: Fixtures.path("ext4-common/\(variant).img")))
    }

    @Test(arguments: withSparseFile)
    func randomReadsOfTheSparseFileMatchTheLoopMount(variant: String) throws {
        let fs = try Self.open(variant)
        let folder = try Fixtures.path("ext4-common")
        let slices = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasPrefix("\(variant).sparse.")
        }
        #expect(slices.count >= 7)
        for name in slices {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let offset = UInt64(parts[parts.count - 2]), let count = Int(parts[parts.count - 1])
            else { continue }
            let expected = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let got = try fs.read(FSPath("/files/sparse"), at: offset, count: count)
            #expect(got == expected, "\(variant) sparse at \(offset) count \(count)")
        }
    }

    /// `debugfs -R 'ls -l /big-dir'`: the same inode numbers and sizes for every name.
    @Test(arguments: withSparseFile)
    func bigDirectoryMatchesDebugfs(variant: String) throws {
        let fs = try Self.open(variant)
        let text = try String(contentsOfFile: Fixtures.path("ext4-common/\(variant).big-dir.debugfs"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            // " 13  100644 (1)      0      0       2 14-Nov-2023 22:13 entry-00000-"
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 9, let ino = UInt64(f[0]), let size = UInt64(f[5]) else { continue }
            let name = String(f[8])
            if name == "." || name == ".." { continue }
            let a = try #require(try fs.attributes(of: FSPath("/big-dir/\(name)")))
            #expect(a.inode == ino && a.size == size, "\(name)")
            checked += 1
        }
        #expect(checked == 3000)
        #expect(try fs.contents(ofDirectory: FSPath("/big-dir")).count == 3000)
    }

    @Test func deepExtentTreeAndUnwrittenExtentsRead() throws {
        let fs = try Self.open("deep")
        let deep = try fs.contents(of: FSPath("/deep"), limit: .max)
        #expect(deep.count == (2000 * 2 - 1) * 4096)
        // Odd blocks are holes.
        #expect(deep[4096..<8192].allSatisfy { $0 == 0 })
        #expect(
            try fs.read(FSPath("/deep"), at: 4096 * 3998 + 10, count: 20)
                == Array(deep[(4096 * 3998 + 10)...].prefix(20)))
        let pre = try fs.contents(of: FSPath("/prealloc"), limit: .max)
        #expect(pre.count == 1 << 20)
        #expect(pre[0..<300000].allSatisfy { $0 == 0 })
        #expect(Array(pre[300000..<300022]) == Array("written in the middle\n".utf8))
        #expect(try fs.destination(ofSymbolicLink: FSPath("/link-to-deep")) == "deep")
    }

    /// Opening reads the superblock, the root inode and little else; one file costs a few blocks.
    @Test func openingAndReadingOneFileReadsLittle() throws {
        let counter = ReadCounter()
        let device = CountingDevice(try FileDevice(path: Fixtures.path("ext4-common/ext4.img")), counter: counter)
        let fs = try Ext4FileSystem(device: device)
        #expect(counter.bytes < 16 << 10)
        _ = try fs.contents(of: FSPath("/etc/os-release"), limit: 1 << 20)
        #expect(counter.bytes < 64 << 10)
        // A small read in the middle of an 8 MiB file reads its block, not the file.
        _ = try fs.attributes(of: FSPath("/files/sparse"))
        let before = counter.bytes
        #expect(try fs.read(FSPath("/files/sparse"), at: 4_194_300, count: 20).count == 20)
        #expect(counter.bytes - before <= 2 * 4096)
    }
}
