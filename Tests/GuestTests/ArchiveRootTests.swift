import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

@testable import Guest

/// Rootfs tarballs without an fstab, and with their root below a folder of the archive, packed
/// by the real tar.
@Suite struct ArchiveRootTests {
    /// A root with an os-release and a hostname but no /etc/fstab, under `below` (a folder of
    /// the scratch dir), packed as `tar -czf` of `members`.
    static func tarball(below: String, members: String) throws -> (String, String) {
        let root = try Trees.scratch()
        let tree = below.isEmpty ? root + "/tree" : root + "/tree/" + below
        try Trees.write(tree, "/usr/lib/os-release", "ID=nofstab\nVERSION_ID=\"9\"\n")
        try Trees.write(tree, "/etc/hostname", "nested\n")
        try FileManager.default.createSymbolicLink(
            atPath: tree + "/etc/os-release", withDestinationPath: "../usr/lib/os-release")
        let tar = root + "/rootfs.tar.gz"
        let r = try Tools.run(["tar", "-C", root + "/tree", "-czf", tar, members])
        #expect(r.status == 0, "\(r.stderr)")
        return (root, tar)
    }

    @Test func aTarballWithoutFstabIsTheRoot() throws {
        let (root, tar) = try Self.tarball(below: "", members: ".")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let image = try GuestImage.open(tar)
        #expect(image.assembly?.rootVolume == "archive")
        #expect(image.notes.isEmpty)
        #expect(GuestInspector.inspect(try image.tree).os.id == "nofstab")
    }

    @Test func aRootBelowAFolderOfTheArchiveIsFoundInASecondPass() throws {
        let (root, tar) = try Self.tarball(below: "rootfs", members: "./rootfs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let image = try GuestImage.open(tar)
        #expect(image.notes == ["the root is /rootfs of the archive (read in a second pass)"])
        let facts = GuestInspector.inspect(try image.tree)
        #expect(facts.os.id == "nofstab")
        #expect(facts.os.versionID == "9")
        let fs = try #require(image.volumes.first?.fileSystem as? ArchiveFileSystem)
        #expect(
            try fs.contents(of: FSPath("/usr/lib/os-release"), limit: 100)
                == Array("ID=nofstab\nVERSION_ID=\"9\"\n".utf8))
        #expect(try fs.attributes(of: FSPath("/etc/hostname"))?.size == 7)
        #expect(try fs.attributes(of: FSPath("/rootfs")) == nil)
    }
}

/// A file system that libblkid names but whose superblock our reader's quick check refuses is
/// reported in that file system's layer, at the field's offset, not as "no reader".
@Suite struct RefusedSuperblockTests {
    @Test func anExt4WithAnImpossibleBlockSizeNamesTheField() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("mutation-bases/root.ext4"))))
        bytes.replaceSubrange(1024 + 24..<1024 + 28, with: [0xFF, 0xFF, 0xFF, 0xFF])  // s_log_block_size
        let crc = CRC32C.update(~0, bytes[1024..<1024 + 0x3FC])
        bytes.replaceSubrange(
            1024 + 0x3FC..<1024 + 0x400, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) })
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/root.ext4"))
        let error = #expect(throws: ImageError.self) { _ = try GuestImage.open(root + "/root.ext4") }
        #expect(error?.layer == "ext4")
        #expect(error?.offset == 1048)
        #expect(error?.detail.contains("block size") == true)
    }
}
