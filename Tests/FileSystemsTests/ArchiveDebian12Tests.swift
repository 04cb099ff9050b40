import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// The debootstrap Debian 12 tree packed by GNU tar: names, types, permissions, sizes and link
/// targets of every entry, and the bytes of the interesting files, equal the folder (read with
/// `DirectoryFileSystem`), from one pass over the tarball.
@Suite struct ArchiveDebian12Tests {
    static let interest = PathInterest([
        "/etc/**", "/var/lib/dpkg/status", "/usr/lib/os-release", "/usr/lib/udev/rules.d/*",
    ])

    @Test(arguments: ["rootfs.tar.zst", "rootfs.tar.gz"])
    func sameTreeAsTheFolder(_ name: String) throws {
        let path = try Fixtures.path("tar-debian12/\(name)")
        let start = Date()
        let fs = try ArchiveFileSystem(path: path, interest: Self.interest)
        let seconds = Date().timeIntervalSince(start)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64
        #expect(fs.passCount == 1)
        #expect(fs.bytesRead == size)
        let folder = try DirectoryFileSystem(path: try Fixtures.path("tar-debian12/tree"))
        var queue: [FSPath] = [.root]
        var entries = 0
        var compared = 0
        while let dir = queue.popLast() {
            let theirs = try folder.contents(ofDirectory: dir).sorted { $0.name < $1.name }
            let ours = try fs.contents(ofDirectory: dir).sorted { $0.name < $1.name }
            #expect(ours.map(\.name) == theirs.map(\.name), "listing of \(dir)")
            for e in theirs {
                entries += 1
                let p = try dir.appending(e.name)
                guard let a = try folder.attributes(of: p), let b = try fs.attributes(of: p) else {
                    Issue.record("\(p) missing")
                    continue
                }
                #expect(b.type == a.type, "\(p)")
                #expect(b.permissions == a.permissions, "\(p)")
                switch a.type {
                case .directory:
                    queue.append(p)
                case .regular:
                    #expect(b.size == a.size, "\(p)")
                    if Self.interest.matches(p.description) {
                        #expect(
                            try fs.contents(of: p, limit: 16 << 20) == folder.contents(of: p, limit: 16 << 20), "\(p)")
                        compared += 1
                    }
                case .symlink:
                    #expect(try fs.destination(ofSymbolicLink: p) == folder.destination(ofSymbolicLink: p), "\(p)")
                default:
                    break
                }
            }
        }
        #expect(compared > 50)
        print(
            "archive debian12 \(name): \(entries) entries, \(compared) files' bytes compared, one pass of \(fs.bytesRead) bytes in \(String(format: "%.1f", seconds)) s (debug build)"
        )
    }
}
