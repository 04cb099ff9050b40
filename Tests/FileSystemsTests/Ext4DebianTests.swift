import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// The real Debian 12 disk of `images/fixtures/debian12-disk.sh` (GPT: EFI FAT32, ext4 /boot,
/// ext4 root), each partition opened through `FileSystemProbe` at the offsets `sgdisk -p`
/// recorded in layout.txt, compared with the debootstrap tree it was made from and with blkid.
@Suite struct Ext4DebianTests {
    /// (start, size) in bytes of partition `number`, from the fixture's `sgdisk -p` output.
    static func partition(_ number: Int) throws -> (UInt64, UInt64) {
        let text = try String(contentsOfFile: Fixtures.path("debian12-disk/layout.txt"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if f.count >= 3, f[0] == "\(number)", let start = UInt64(f[1]), let end = UInt64(f[2]) {
                return (start * 512, (end - start + 1) * 512)
            }
        }
        throw ImageError("test", .notFound, "partition \(number) not in layout.txt")
    }

    static func open(_ number: Int, counter: ReadCounter = ReadCounter()) throws -> any BlockFileSystem {
        let disk = try FileDevice(path: Fixtures.path("debian12-disk/disk.raw"))
        let (start, size) = try partition(number)
        let device = CountingDevice(try SliceDevice(disk, start: start, size: size), counter: counter)
        return try #require(try FileSystemProbe.open(device))
    }

    @Test func rootReadsLikeTheDebootstrapTree() throws {
        let counter = ReadCounter()
        let root = try Self.open(3, counter: counter)
        #expect(root.identity.type == "ext4" && root.identity.label == "root")
        #expect(counter.bytes < 4096)
        let tree = try DirectoryFileSystem(path: Fixtures.path("debian12-disk/tree"))
        let status = try root.contents(of: FSPath("/var/lib/dpkg/status"), limit: .max)
        #expect(status == (try tree.contents(of: FSPath("/var/lib/dpkg/status"), limit: .max)))
        // The status file plus the lookups on the way: about the file's own size.
        #expect(counter.bytes < UInt64(status.count) + (64 << 10))
        for (dir, bytes) in [("/etc", true), ("/var/lib/dpkg", true), ("/usr/lib/modules", false)] {
            let ours = try TreeListing.list(root, root: FSPath(dir), compareContents: bytes)
            #expect(ours == (try TreeListing.list(tree, root: FSPath(dir), compareContents: bytes)), "\(dir)")
        }
    }

    @Test func bootAndEFIPartitionsAreReadable() throws {
        let boot = try Self.open(2)
        #expect(boot.identity.type == "ext4" && boot.identity.label == "boot")
        let release = try String(contentsOfFile: Fixtures.path("debian12-disk/kernel-release"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try boot.attributes(of: FSPath("/vmlinuz-\(release)"))?.type == .regular)
        let efi = try Self.open(1)
        #expect(efi.identity.type == "vfat" && efi.identity.label == "EFI")
        let names = try TreeListing.list(efi).map(\.path)
        #expect(names.contains("/EFI/debian/grub.cfg"))
        #expect(try efi.contents(of: FSPath("/efi/DEBIAN/GRUB.CFG"), limit: 1 << 16).count > 0)
    }
}
