import FileSystems
import Foundation
import TestSupport
import Testing

@Suite struct DirectoryFileSystemTests {
    /// The common tree, written by images/tools/make-common-tree.py into a temp folder, read back
    /// through DirectoryFileSystem, matches the listing the reference tool prints for it.
    @Test func commonTreeMatchesReferenceListing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("common-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try run("/usr/bin/python3", [Fixtures.packageRoot + "/images/tools/make-common-tree.py", dir])
        let listing = dir + ".tsv"
        defer { try? FileManager.default.removeItem(atPath: listing) }
        try run("/bin/sh", ["-c", "python3 '\(Fixtures.packageRoot)/images/tools/listing.py' '\(dir)' > '\(listing)'"])
        let reference = try TreeListing(file: listing)
        #expect(reference.entries.count > 3000)
        #expect(try reference.differences(from: DirectoryFileSystem(path: dir)) == [])
    }

    @Test func symlinksAreNotFollowedByTheHost() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dirfs-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/etc", withDestinationPath: "/etc")
        let fs = try DirectoryFileSystem(path: dir)
        #expect(try fs.attributes(of: FSPath("/etc"))?.type == .symlink)
        #expect(try fs.attributes(of: FSPath("/etc/hostname")) == nil)
        #expect(throws: (any Error).self) { try fs.contents(of: FSPath("/etc/hostname"), limit: 10) }
    }

    func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}
