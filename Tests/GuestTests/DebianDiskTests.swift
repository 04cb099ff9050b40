import Foundation
import Guest
import TestSupport
import Testing

/// The same Debian 12 tree as a real disk (fixture debian12-disk: GPT, ext4 root, ext4 /boot, EFI):
/// the inspectors must give the facts the folder gives, reading megabytes, not the whole disk.
@Suite struct DebianDiskTests {
    @Test(arguments: ["disk.qcow2", "disk.raw"])
    func imageGivesTheFolderFactsReadingLittle(file: String) throws {
        let path = try Fixtures.path("debian12-disk/\(file)")
        let start = Date()
        let image = try GuestImage.open(path)
        let openBytes = image.counter.bytes
        let facts = GuestInspector.inspect(try image.tree)
        let seconds = Date().timeIntervalSince(start)
        let folder = GuestInspector.inspect(try GuestImage.open(try Fixtures.path("debian12-tree/rootfs")).tree)
        let bytes = image.counter.bytes
        print("inspect \(file): \(bytes) bytes (\(openBytes) to open) in \(image.counter.reads) reads, \(seconds) s")
        #expect(facts.os == folder.os)
        // mkfs.ext4 -d gave every file the fixture's fixed time: compare all but the install times.
        #expect(facts.packages.map(\.fullVersion) == folder.packages.map(\.fullVersion))
        #expect(facts.packages.map(\.name) == folder.packages.map(\.name))
        #expect(facts.kernels.map(\.release) == folder.kernels.map(\.release))
        #expect(facts.kernels.map(\.drivers) == folder.kernels.map(\.drivers))
        #expect(facts.kernels.map(\.owners) == folder.kernels.map(\.owners))
        #expect(facts.kernels.map(\.image?.versionString) == folder.kernels.map(\.image?.versionString))
        #expect(facts.cloudInit.pythonVersions == folder.cloudInit.pythonVersions)
        #expect(facts.network.managers == folder.network.managers)
        #expect(facts.problems.isEmpty)
        #expect(bytes < 64 << 20)
    }
}
