import BlockIO
import FileSystems
import Foundation
import Guest
import Testing

@Suite struct GuestTreeTests {
    /// A small guest in a temp folder: absolute and relative links, a loop, and a link that
    /// tries to escape to the host.
    func makeGuest() throws -> (String, GuestTree) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("guest-\(UUID())").path
        try fm.createDirectory(atPath: root + "/usr/lib", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try "ID=debian\n".write(toFile: root + "/usr/lib/os-release", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/etc/os-release", withDestinationPath: "../usr/lib/os-release")
        try fm.createSymbolicLink(atPath: root + "/lib", withDestinationPath: "usr/lib")
        try fm.createSymbolicLink(atPath: root + "/etc/abs", withDestinationPath: "/usr/lib/os-release")
        try fm.createSymbolicLink(atPath: root + "/etc/escape", withDestinationPath: "../../../../etc/hostname")
        try fm.createSymbolicLink(atPath: root + "/etc/loop1", withDestinationPath: "loop2")
        try fm.createSymbolicLink(atPath: root + "/etc/loop2", withDestinationPath: "loop1")
        return (root, GuestTree(root: try DirectoryFileSystem(path: root)))
    }

    @Test func followsRelativeAndAbsoluteLinksInsideTheGuest() throws {
        let (root, tree) = try makeGuest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try tree.contents(of: "/etc/os-release", limit: 100) == Array("ID=debian\n".utf8))
        #expect(try tree.contents(of: "/etc/abs", limit: 100) == Array("ID=debian\n".utf8))
        #expect(try tree.contents(of: "/lib/os-release", limit: 100) == Array("ID=debian\n".utf8))
        #expect(try tree.resolve("/lib/os-release")?.guestPath.description == "/usr/lib/os-release")
    }

    @Test func dotDotNeverLeavesTheGuestRoot() throws {
        let (root, tree) = try makeGuest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Resolves to the guest's /etc/hostname, which does not exist, not the host's.
        #expect(try tree.resolve("/etc/escape") == nil)
    }

    @Test func symlinkLoopsAreErrors() throws {
        let (root, tree) = try makeGuest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try tree.resolve("/etc/loop1")
            Issue.record("expected a loop error")
        } catch let e as ImageError {
            #expect(e.kind == .loop)
        }
    }
}
