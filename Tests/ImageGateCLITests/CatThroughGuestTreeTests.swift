import Foundation
import TestSupport
import Testing

/// `cat` reads through the guest tree the checks read through: links resolved inside the guest,
/// across mounts, and every byte it reads counted by `--stats`.
@Suite struct CatThroughGuestTreeTests {
    static let lvm = "debian12-lvm-xfs/disk.vhd"

    static func tree(_ path: String) throws -> String { try Fixtures.path("debian12-disk/tree") + path }

    static func release(_ fixture: String) throws -> String {
        try String(contentsOfFile: try Fixtures.path(fixture + "/kernel-release"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func statsBytes(_ stderr: String) -> Int {
        Int(stderr.firstMatch(of: /stats: ([0-9]+) bytes in/)?.1 ?? "") ?? -1
    }

    /// On the RHEL-like layout /etc is on the root LV and /usr on another LV: Debian's
    /// `/etc/os-release -> ../usr/lib/os-release` leaves one volume for the other.
    @Test func aSymlinkIntoAnotherVolumeIsFollowed() throws {
        let image = try Fixtures.path(Self.lvm)
        let inspect = try CLI.run(["inspect", image])
        let json = try JSONSerialization.jsonObject(with: inspect.stdout) as? [String: Any]
        let mounts = ((json?["layout"] as? [String: Any])?["mounts"] as? [[String: Any]] ?? []).map {
            "\($0["mountPoint"] ?? "") \($0["volume"] ?? "-")"
        }
        #expect(mounts.contains("/ lv sysvg/root") && mounts.contains("/usr lv sysvg/usr"), "\(mounts)")
        let etc = String(decoding: try CLI.run(["ls", "-l", image, "/etc"]).stdout, as: UTF8.self)
        #expect(etc.contains(" os-release -> ../usr/lib/os-release\n"), "\(etc)")

        let r = try CLI.run(["cat", image, "/etc/os-release"])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: try Self.tree("/usr/lib/os-release")))
        #expect(r.stdout == expected)
        // The checks resolved the same file: the os facts are its PRETTY_NAME.
        let check = try CLI.run(["check", image, "--format", "json"])
        let line = check.stdout.split(separator: 0x0A).first.map { Data($0) } ?? Data()
        let report = try JSONSerialization.jsonObject(with: line)
        let os = ((report as? [String: Any])?["facts"] as? [String: Any])?["os"] as? [String: Any]
        let pretty = try #require(os?["prettyName"] as? String)
        #expect(String(decoding: r.stdout, as: UTF8.self).contains("PRETTY_NAME=\"\(pretty)\"\n"))
    }

    /// Merged /usr on the same layout: /lib is a link on the root LV into the /usr LV, so
    /// /lib/modules/<release>/modules.dep comes from the /usr volume.
    @Test func aPathThroughAMergedUsrLinkIsRead() throws {
        let release = try Self.release("debian12-lvm-xfs")
        let r = try CLI.run(["cat", try Fixtures.path(Self.lvm), "/lib/modules/\(release)/modules.dep"])
        #expect(r.status == 0, "\(r.stderr)")
        let dep = try Self.tree("/usr/lib/modules/\(release)/modules.dep")
        let expected = try Data(contentsOf: URL(fileURLWithPath: dep))
        let same = sameBytes(r.stdout, expected)
        #expect(same, "\(r.stdout.count) bytes")
    }

    @Test func aDirectoryOrAMissingFileIsAnErrorNotOutput() throws {
        let image = try Fixtures.path(Self.lvm)
        let cases = [("/etc", "/etc is not a regular file"), ("/etc/no-such-file", "no such file: /etc/no-such-file")]
        for (path, says) in cases {
            let r = try CLI.run(["cat", image, path])
            #expect(r.status == 2)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("imagegate: error: guest: \(says)"), "\(r.stderr)")
        }
    }

    /// `--stats` counts what cat read: the 14 MB kernel costs its size more than a one-line file
    /// does (raw: no cache between the file system and the counter), less at most 64 KiB the
    /// file system's metadata cache may already hold (measured: 9 KiB less).
    @Test func statsCountTheBytesCatReads() throws {
        let image = try Fixtures.path("debian12-disk/disk.raw")
        let release = try Self.release("debian12-disk")
        let small = try CLI.run(["cat", image, "/etc/hostname", "--stats"])
        let kernel = try CLI.run(["cat", image, "/boot/vmlinuz-\(release)", "--stats"])
        #expect(small.status == 0 && kernel.status == 0, "\(small.stderr)\(kernel.stderr)")
        let (a, b) = (Self.statsBytes(small.stderr), Self.statsBytes(kernel.stderr))
        #expect(a > 0, "\(small.stderr)")
        #expect(kernel.stdout.count > 1 << 20)
        #expect(b >= kernel.stdout.count)
        let size = kernel.stdout.count
        #expect(b - a >= size - (64 << 10), "hostname: \(a) bytes, kernel: \(b) for \(size)")
    }

    /// A tarball: any path, not only the checks' interest, by one more pass over the archive;
    /// links resolve, a directory outside the interest lists, a missing path is not found.
    @Test func anyPathOfATarballIsReadAndListed() throws {
        let image = try Fixtures.path("tar-rootfs/rootfs.tar.xz")
        let tree = try Fixtures.path("tar-rootfs/tree")
        for (path, file) in [
            ("/var/lib/holes.img", "/var/lib/holes.img"), ("/usr/bin/tool-hardlink", "/usr/bin/tool"),
            ("/bin/tool", "/usr/bin/tool"), ("/usr/share/doc/a b/read me.txt", "/usr/share/doc/a b/read me.txt"),
        ] {
            let r = try CLI.run(["cat", image, path])
            #expect(r.status == 0, "\(path): \(r.stderr)")
            #expect(r.stdout == (try Data(contentsOf: URL(fileURLWithPath: tree + file))), "\(path)")
        }
        let ls = try CLI.run(["ls", "-l", image, "/usr/share/doc/a b"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(String(decoding: ls.stdout, as: UTF8.self).contains(" 7 read me.txt\n"), "\(ls.stdout)")
        let missing = try CLI.run(["cat", image, "/var/lib/nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file: /var/lib/nope"), "\(missing.stderr)")
    }
}
