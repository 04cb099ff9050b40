import FileSystems
import Foundation
import TestSupport
import Testing

@Suite struct DirectoryFileSystemTests {
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
}
