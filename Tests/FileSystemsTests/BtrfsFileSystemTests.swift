import BlockIO
import Foundation
import TestSupport
import Testing

@testable import FileSystems

/// The fixture images of images/fixtures/btrfs-subvols.sh compared with what the kernel showed
/// through read-only loop mounts of each subvolume and `btrfs subvolume list` (the default
/// subvolume's listing, identity and lookups: FileSystemContractTests).
@Suite struct BtrfsFileSystemTests {
    static let variants = ["dup", "single"]
    static let subvolumePaths = ["", "@", "@/home", "@/srv", "@/.snapshots", "@/.snapshots/1/snapshot"]

    static func open(_ variant: String) throws -> BtrfsFileSystem {
        try BtrfsFileSystem(device: FileDevice(path: Fixtures.path("btrfs-subvols/\(variant)/btrfs.img")))
    }

    static func reference(_ variant: String, _ file: String) throws -> String {
        try String(contentsOfFile: Fixtures.path("btrfs-subvols/\(variant)/\(file)"), encoding: .utf8)
    }

    /// The tree a mount without subvol= shows is FileSystemContractTests' (listing-default.tsv).
    @Test(arguments: variants)
    func defaultSubvolumeIsTheOneGetDefaultNames(variant: String) throws {
        let fs = try Self.open(variant)
        // `btrfs subvolume get-default`: "ID 256 gen 13 top level 5 path @"
        let id = try Self.reference(variant, "default.txt").split(separator: " ")[1]
        #expect(fs.subvolumeID == UInt64(id))
        #expect(try fs.defaultSubvolumeID == UInt64(id))
    }

    @Test(arguments: variants, subvolumePaths)
    func everySubvolumeMatchesItsReadOnlyMount(variant: String, path: String) throws {
        let fs = try Self.open(variant).subvolume(path: path)
        let tag = path.replacingOccurrences(of: "/", with: "+")
        let listing = try TreeListing(
            file: Fixtures.path("btrfs-subvols/\(variant)/listing-top\(tag.isEmpty ? "" : "+")\(tag).tsv"))
        #expect(listing.entries.count > 3000)
        #expect(try listing.differences(from: fs) == [])
    }
}

extension BtrfsFileSystemTests {
    /// `btrfs subvolume list -p -a`: "ID 257 gen 10 parent 256 top level 256 path <FS_TREE>/@/home".
    @Test(arguments: variants)
    func subvolumesAgreeWithBtrfsSubvolumeList(variant: String) throws {
        let fs = try Self.open(variant)
        var expected: [BtrfsSubvolume] = []
        for line in try Self.reference(variant, "subvolume-list.txt").split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            let path = f[f.count - 1].replacingOccurrences(of: "<FS_TREE>/", with: "")
            guard let id = UInt64(f[1]), let parent = UInt64(f[5]) else { continue }
            expected.append(BtrfsSubvolume(id: id, parentID: parent, path: path))
        }
        #expect(expected.count == 5)
        let ours = try fs.subvolumes()
        #expect(ours.first == BtrfsSubvolume(id: 5, parentID: 0, path: ""))
        #expect(Array(ours.dropFirst()) == expected)
        for s in expected {
            #expect(try fs.openSubvolume(path: s.path).subvolumeID == s.id)
            #expect(try fs.openSubvolume(path: "/" + s.path).subvolumeID == s.id)
            #expect(try fs.openSubvolume(id: s.id).subvolumeID == s.id)
        }
        // subvolid= and subvol= give the same tree.
        let byID = try fs.subvolume(id: 257)
        let byPath = try fs.subvolume(path: "@/home")
        #expect(try byID.contents(of: FSPath("/etc/hostname"), limit: 100) == Array("common\n".utf8))
        #expect(try byPath.attributes(of: FSPath("/files/size-60")) == byID.attributes(of: FSPath("/files/size-60")))
    }

    /// What root assembly uses: the top level lists `@`, and fstab options open subvolumes.
    @Test func subvolumeProviderServesRootAssembly() throws {
        let provider: any SubvolumeProvider = try Self.open("single")
        let top = try provider.topLevel()
        #expect(try top.contents(ofDirectory: .root) == [DirectoryEntry(name: "@", type: .directory)])
        let root = try provider.subvolume(path: "@")
        #expect(try root.contents(of: FSPath("/etc/hostname"), limit: 100) == Array("common\n".utf8))
        let home = try provider.subvolume(id: 257)
        #expect(try home.attributes(of: FSPath("/compressible/text-300k"))?.size == 300 * 1024 + 17)
    }

    @Test func subvolumeLookupRefusesMissingPathsAndPlainDirectories() throws {
        let fs = try Self.open("dup")
        #expect(throws: ImageError.self) { try fs.subvolume(path: "@/nothing") }
        #expect(throws: ImageError.self) { try fs.subvolume(id: 9999) }
        do {
            _ = try fs.openSubvolume(path: "@/etc")
            Issue.record("a plain directory is not a subvolume")
        } catch let e as ImageError {
            #expect(e.kind == .unsupported)
        }
    }

    /// mkfs.btrfs --rootdir --mixed -n 4096: written without the kernel, DATA|METADATA block
    /// groups, and trees three levels deep (its listing: FileSystemContractTests).
    @Test func mkfsRootdirImageHasMixedGroupsAndSmallNodes() throws {
        let fs = try Self.open("mixed")
        #expect(fs.subvolumeID == 5)
        #expect(fs.volume.superblock.nodeSize == 4096)
        #expect(fs.volume.chunkMap.chunks.contains { $0.flags.isSuperset(of: [.data, .metadata]) })
    }

    /// Random access reads only the extents it needs and equals the same slice of the whole file,
    /// across compressed extent boundaries (128 KiB) and holes, for each compression.
    @Test(arguments: [
        "/compressible/text-300k", "/home/compressible/text-300k", "/srv/compressible/text-300k",
        "/compressible/text-holes", "/files/sparse", "/extra/prealloc-partly-written", "/extra/holes-tail",
    ])
    func randomAccessReadsEqualSlicesOfTheWholeFile(path: String) throws {
        let counter = ReadCounter()
        let device = CountingDevice(
            try FileDevice(path: Fixtures.path("btrfs-subvols/dup/btrfs.img")), counter: counter)
        let fs = try BtrfsFileSystem(device: device)
        let p = try FSPath(path)
        let size = try #require(try fs.attributes(of: p)).size
        let whole = try fs.contents(of: p, limit: Int(size))
        #expect(whole.count == Int(size))
        for (offset, count) in [
            (0, 10), (131_000, 2000), (131_072, 5), (262_100, 100_000), (Int(size) - 3, 10), (Int(size), 5),
        ] {
            guard offset <= whole.count else { continue }
            let part = try fs.read(p, at: UInt64(offset), count: count)
            #expect(part == Array(whole[offset..<min(whole.count, offset + count)]), "\(path) at \(offset)")
        }
        let before = counter.bytes
        _ = try fs.read(p, at: size / 2, count: 100)
        #expect(counter.bytes - before <= 256 << 10, "one small read costs at most a tree path and one extent")
    }

    /// Opening and reading /etc/os-release costs a few tree blocks, not the image.
    @Test func openingAndReadingOneFileReadsLittle() throws {
        let counter = ReadCounter()
        let device = CountingDevice(
            try FileDevice(path: Fixtures.path("btrfs-subvols/dup/btrfs.img")), counter: counter)
        let fs = try BtrfsFileSystem(device: device)
        #expect(try fs.contents(of: FSPath("/etc/os-release"), limit: 4096).count == 55)
        #expect(counter.bytes < 512 << 10, "read \(counter.bytes) bytes in \(counter.reads) reads")
    }
}

extension BtrfsFileSystemTests {
    /// SQLite-style 4 KiB page reads of a compressed file inflate each extent once: they cost
    /// about what one whole-file read costs.
    @Test(arguments: ["/compressible/text-300k", "/home/compressible/text-300k", "/srv/compressible/text-300k"])
    func pageReadsOfACompressedFileReuseTheInflatedExtent(path: String) throws {
        let image = try Fixtures.path("btrfs-subvols/dup/btrfs.img")
        let p = try FSPath(path)
        let wholeCounter = ReadCounter()
        let whole = try BtrfsFileSystem(device: CountingDevice(try FileDevice(path: image), counter: wholeCounter))
        let size = try #require(try whole.attributes(of: p)).size
        let expected = try whole.contents(of: p, limit: Int(size))
        let pageCounter = ReadCounter()
        let paged = try BtrfsFileSystem(device: CountingDevice(try FileDevice(path: image), counter: pageCounter))
        var got: [UInt8] = []
        var offset: UInt64 = 0
        while offset < size {
            got += try paged.read(p, at: offset, count: 4096)
            offset += 4096
        }
        #expect(got == expected)
        #expect(pageCounter.bytes <= wholeCounter.bytes + 64 << 10, "\(pageCounter.bytes) vs \(wholeCounter.bytes)")
    }
}

extension BtrfsFileSystemTests {
    /// In the snapshot of @, the nested subvolumes (home, srv, .snapshots) are empty directories
    /// (the kernel's placeholder, mode 0755), while @ itself shows their contents.
    @Test func nestedSubvolumesInASnapshotAreEmptyDirectories() throws {
        let fs = try Self.open("dup")
        let snapshot = try fs.openSubvolume(path: "@/.snapshots/1/snapshot")
        for name in ["home", "srv", ".snapshots"] {
            let p = try FSPath.root.appending(name)
            #expect(try snapshot.attributes(of: p)?.type == .directory)
            #expect(try snapshot.attributes(of: p)?.permissions == 0o755)
            #expect(try snapshot.contents(ofDirectory: p) == [])
            #expect(try !fs.contents(ofDirectory: p).isEmpty)
        }
        #expect(try snapshot.attributes(of: FSPath("/home/etc")) == nil)
    }
}
