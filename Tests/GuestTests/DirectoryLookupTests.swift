import BlockIO
import FileSystems
import Foundation
import Testing

@testable import Guest

/// `GuestTree.resolve(_:inDirectory:)` gives what `resolve(folder + "/" + name)` gives, for every kind of name: absent, a file, a folder, links
/// relative and absolute, a loop, names that are not one component, and a mount below the folder.
@Suite struct DirectoryLookupTests {
    func makeGuest() throws -> (String, String, GuestTree) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("guest-\(UUID())").path
        let boot = fm.temporaryDirectory.appendingPathComponent("boot-\(UUID())").path
        for d in ["/usr/lib/systemd/system/multi-user.target.wants", "/etc/systemd/system", "/mnt/inner"] {
            try fm.createDirectory(atPath: root + d, withIntermediateDirectories: true)
        }
        try fm.createDirectory(atPath: boot + "/grub", withIntermediateDirectories: true)
        try "[Unit]\n".write(toFile: root + "/usr/lib/systemd/system/a.service", atomically: true, encoding: .utf8)
        try "[Unit]\n".write(toFile: boot + "/grub/grub.cfg", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/lib", withDestinationPath: "usr/lib")
        let sys = root + "/usr/lib/systemd/system"
        try fm.createSymbolicLink(atPath: sys + "/rel.service", withDestinationPath: "a.service")
        try fm.createSymbolicLink(atPath: sys + "/abs.service", withDestinationPath: "/lib/systemd/system/a.service")
        try fm.createSymbolicLink(atPath: sys + "/dangling.service", withDestinationPath: "missing.service")
        try fm.createSymbolicLink(atPath: sys + "/loop1.service", withDestinationPath: "loop2.service")
        try fm.createSymbolicLink(atPath: sys + "/loop2.service", withDestinationPath: "loop1.service")
        try fm.createSymbolicLink(atPath: sys + "/up.service", withDestinationPath: "../../../../etc/systemd/system")
        let tree = GuestTree(mounts: [
            GuestMount(mountPoint: .root, fileSystem: try DirectoryFileSystem(path: root), source: "root"),
            GuestMount(
                mountPoint: try FSPath("/mnt/inner"), fileSystem: try DirectoryFileSystem(path: boot), source: "boot"),
        ])
        return (root, boot, tree)
    }

    /// The same answer, or the same error, both ways.
    func same(_ tree: GuestTree, _ folder: String, _ name: String) throws -> Bool {
        let whole = Result { try tree.resolve(folder + "/" + name) }
        let one = Result { try tree.resolve(name, inDirectory: folder) }
        switch (whole, one) {
        case (.success(let a), .success(let b)):
            return a?.guestPath == b?.guestPath && a?.path == b?.path && a?.attributes == b?.attributes
                && a?.mount.source == b?.mount.source
        case (.failure(let a), .failure(let b)): return "\(a)" == "\(b)"
        default: return false
        }
    }

    @Test func everyKindOfNameResolvesAsTheWholePath() throws {
        let (root, boot, tree) = try makeGuest()
        defer { for d in [root, boot] { try? FileManager.default.removeItem(atPath: d) } }
        let names = [
            "a.service", "rel.service", "abs.service", "dangling.service", "loop1.service", "up.service",
            "missing.service", "multi-user.target.wants", ".", "..", "a/b", "",
        ]
        for folder in [
            "/usr/lib/systemd/system", "/lib/systemd/system", "/etc/systemd/system", "/nonexistent",
            "/usr/lib/systemd/system/a.service",
        ] {
            for name in names {
                let ok = try same(tree, folder, name)
                #expect(ok, "\(folder) + \(name)")
            }
        }
        // A mount below the folder covers the name: the whole path finds the other file system.
        #expect(try same(tree, "/mnt", "inner"))
        #expect(try tree.resolve("inner", inDirectory: "/mnt")?.mount.source == "boot")
    }

    @Test func directoryIsNilForAFileAndKeptForAFolder() throws {
        let (root, boot, tree) = try makeGuest()
        defer { for d in [root, boot] { try? FileManager.default.removeItem(atPath: d) } }
        #expect(try tree.directory("/usr/lib/systemd/system/a.service") == nil)
        #expect(try tree.directory("/nonexistent") == nil)
        let first = try tree.directory("/lib/systemd/system")
        #expect(first?.guestPath.description == "/usr/lib/systemd/system")
        #expect(try tree.directory("/lib/systemd/system")?.guestPath == first?.guestPath)
    }
}
