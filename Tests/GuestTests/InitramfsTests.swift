import FileSystems
import Foundation
import Guest
import TestSupport
import Testing

/// Real initramfs images from images/fixtures/inspect-initramfs.sh, listed through a guest tree and
/// compared with the listing `cpio -it` made of the same archives.
@Suite struct InitramfsTests {
    static let release = "6.1.0-28-cloud-amd64"

    /// A guest with the hook, one kernel, and the fixture `name` as its initramfs.
    func inspect(_ name: String) throws -> (GuestFacts, String) {
        let root = try Trees.scratch()
        try FileManager.default.createDirectory(
            atPath: root + "/lib/modules/\(Self.release)/kernel", withIntermediateDirectories: true)
        try Trees.write(root, "/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov", "#!/bin/sh\n")
        let image = try Fixtures.path("inspect-initramfs/\(name)")
        try Trees.write(
            root, "/boot/initrd.img-\(Self.release)", Array(try Data(contentsOf: URL(fileURLWithPath: image))))
        return (GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root))), root)
    }

    func reference(_ name: String) throws -> Int {
        let text = try String(contentsOfFile: try Fixtures.path("inspect-initramfs/\(name).list"), encoding: .utf8)
        return text.split(separator: "\n").count
    }

    @Test(
        arguments: [
            ("initrd-gzip-rule", ["cpio", "gzip cpio"], "usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"),
            ("initrd-zstd-norule", ["cpio", "zstd cpio"], nil),
            ("initrd-xz-dracut-rule", ["cpio", "xz cpio"], "lib/udev/rules.d/10-azure-unmanaged-sriov.rules"),
            ("initrd-lz4-rule", ["cpio", "lz4 cpio"], "usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"),
            ("initrd-early-only", ["cpio"], nil),
        ] as [(String, [String], String?)])
    func listsEveryArchiveLikeCpio(name: String, archives: [String], rule: String?) throws {
        let (facts, root) = try inspect(name)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let image = try #require(facts.kernels.first?.initramfs)
        #expect(image.unreadable == nil)
        #expect(image.archives == archives)
        #expect(image.entryCount == (try reference(name)))
        #expect(image.rulePath == rule)
        #expect(image.containsRule == (rule != nil))
        #expect(image.path == .path("/boot/initrd.img-\(Self.release)"))
    }

    @Test func corruptCompressedTailIsAReason() throws {
        let (facts, root) = try inspect("initrd-corrupt")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let image = try #require(facts.kernels.first?.initramfs)
        #expect(image.containsRule == nil)
        #expect(image.unreadable?.hasPrefix("initramfs:") == true)
    }

    /// Without a hook nothing asks for the images by default (listing one decompresses tens of
    /// MiB); the boot-module checks declare `initramfsImages` and get every image listed.
    @Test func withoutHookImagesAreListedOnlyWhenDeclared() throws {
        let (facts0, root) = try inspect("initrd-gzip-rule")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(facts0.kernels.first?.initramfs?.containsRule == true)
        try FileManager.default.removeItem(atPath: root + "/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov")
        let tree = GuestTree(root: try DirectoryFileSystem(path: root))
        let plain = GuestInspector.inspect(tree)
        #expect(plain.initramfs.hooks.isEmpty)
        #expect(
            plain.initramfs.imagesNotRead
                == "no hook installed and no check asked for the boot modules: images not read")
        #expect(plain.kernels.first?.initramfs?.containsRule == nil)
        #expect(plain.kernels.first?.initramfs?.modificationTime != nil)
        let facts = GuestInspector.inspect(tree, declared: DeclaredInterest(initramfsImages: true))
        #expect(facts.initramfs.imagesNotRead == nil)
        #expect(facts.kernels.first?.initramfs?.containsRule == true)
        #expect(facts.kernels.first?.initramfs?.entryCount == (try reference("initrd-gzip-rule")))
    }
}
