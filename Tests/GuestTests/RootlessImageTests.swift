import BlockIO
import Foundation
import TestSupport
import Testing

@testable import Guest

/// `OpenOptions.requireRoot`: a disk with file systems but no root opens for browsing, and throws
/// for checking exactly what it threw before the option existed.
@Suite struct RootlessImageTests {
    @Test func aBareFileSystemOpensWithoutARootOnlyWhenAsked() throws {
        let path = try Fixtures.path("ext4-common/deep.img")
        let thrown = #expect(throws: ImageError.self) { try GuestImage.open(path) }
        #expect(
            thrown?.description
                == "guest: no root file system found (whole disk: ext4, no /etc/fstab with an os-release)")

        var options = OpenOptions()
        options.requireRoot = false
        let image = try GuestImage.open(path, options: options)
        #expect(image.assembly == nil)
        #expect(image.rootless?.description == thrown?.description)
        #expect(image.volumes.map(\.volume.name) == ["whole disk"] && image.volumes.first?.fileSystem != nil)
        let tree = #expect(throws: ImageError.self) { try image.tree }
        #expect(tree?.description == thrown?.description)
        let layout = LayoutReport(image)
        #expect(
            layout.root == "" && layout.roots.isEmpty && layout.mounts.isEmpty && layout.noRoot == thrown?.description)
    }

    /// Nothing readable at all (only an LVM physical volume whose group is incomplete): still an
    /// error, for browsing too.
    @Test func aDiskWithNoReadableFileSystemStillFails() throws {
        var options = OpenOptions()
        options.requireRoot = false
        #expect(throws: ImageError.self) {
            try GuestImage.open(try Fixtures.path("volumes-lvm/disk2.img"), options: options)
        }
    }

    /// A guest opened for browsing is the same guest.
    @Test func aRootIsAssembledAsBefore() throws {
        var options = OpenOptions()
        options.requireRoot = false
        let image = try GuestImage.open(try Fixtures.path("debian12-disk/disk.raw"), options: options)
        #expect(image.assembly?.rootVolume == "partition 3" && image.rootless == nil)
    }
}
