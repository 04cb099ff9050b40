import BlockIO
import FileSystems
import Foundation
import Testing
import TestSupport

/// The fixture images of images/fixtures/btrfs-subvols.sh compared with what the kernel showed
/// through read-only loop mounts, `btrfs subvolume list` and blkid.
@Suite struct BtrfsFileSystemTests {
    static let variants = ["dup", "single"]
    static let subvolumePaths = ["", "@", "@/home", "@/srv", "@/.snapshots", "@/.snapshots/1/snapshot"]

    static func open(_ variant: String) throws -> BtrfsFileSystem {
        try BtrfsFileSystem(device: FileDevice(path: Fixtures.path("btrfs-subvols/\(variant)/btrfs.img")))
    }

    static func reference(_ variant: String, _ file: String) throws -> String {
        try String(contentsOfFile: Fixtures.path("btrfs-subvols/\(variant)/\(file)"), encoding: .utf8)
    }

    @Test(arguments: variants)
    func defaultSubvolumeMatchesTheMountWithoutSubvol(variant: String) throws {
        let fs = try Self.open(variant)
        let listing = try TreeListing(file: Fixtures.path("btrfs-subvols/\(variant)/listing-default.tsv"))
        #expect(try listing.differences(from: fs) == [])
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
