import FileSystems
import Foundation
import Guest
import PackageDatabases
import Testing

/// `/var/lib/pacman/local` as pacman writes it (alpm-db(7): a folder `<name>-<version>` per
/// package with `desc` and `files` in `%SECTION%` blocks), built here as a guest folder.
@Suite struct PacmanDatabaseTests {
    static func desc(_ name: String, _ version: String, arch: String = "x86_64", installDate: String = "1717000000")
        -> String
    {
        """
        %NAME%
        \(name)

        %VERSION%
        \(version)

        %BASE%
        \(name)

        %DESC%
        A package

        %ARCH%
        \(arch)

        %BUILDDATE%
        1716000000

        %INSTALLDATE%
        \(installDate)

        %PACKAGER%
        Arch Linux <arch@example.org>

        %SIZE%
        1234

        %REASON%
        1

        %DEPENDS%
        glibc
        python>=3.12

        %XDATA%
        pkgtype=pkg

        """
    }

    /// A scratch guest with a pacman database: two good packages, a `desc` without a version,
    /// a folder without `desc`.
    static func guest() throws -> String {
        let root = try Trees.scratch()
        let local = root + PacmanDatabase.directory
        let files: [String: String] = [
            "/etc/os-release": "ID=arch\nBUILD_ID=rolling\n",
            PacmanDatabase.directory + "/ALPM_DB_VERSION": "9\n",
            PacmanDatabase.directory + "/cloud-init-24.1.4-1/desc": desc("cloud-init", "24.1.4-1", arch: "any"),
            PacmanDatabase.directory + "/cloud-init-24.1.4-1/files":
                "%FILES%\nusr/\nusr/bin/\nusr/bin/cloud-init\nusr/lib/systemd/system/cloud-init.service\n\n%BACKUP%\netc/cloud/cloud.cfg\t0123456789abcdef0123456789abcdef\n\n",
            PacmanDatabase.directory + "/linux-6.9.1.arch1-1/desc": desc("linux", "6.9.1.arch1-1"),
            PacmanDatabase.directory + "/linux-6.9.1.arch1-1/files":
                "%FILES%\nusr/lib/modules/6.9.1-arch1-1/\nusr/lib/modules/6.9.1-arch1-1/vmlinuz\n\n",
            PacmanDatabase.directory + "/openssh-1:9.7p1-2/desc": desc("openssh", "1:9.7p1-2"),
            PacmanDatabase.directory + "/broken-1.0-1/desc": "%NAME%\nbroken\n\n",
        ]
        for (path, text) in files {
            let full = root + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        try FileManager.default.createDirectory(atPath: local + "/nodesc-1-1", withIntermediateDirectories: true)
        return root
    }

    @Test func readsPackagesOwnersAndDamage() throws {
        let root = try Self.guest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let db = try PacmanDatabase(tree: GuestTree(root: try DirectoryFileSystem(path: root)))
        let all = try db.packages()
        #expect(all.map(\.name) == ["cloud-init", "linux", "openssh"])
        #expect(all[0].manager == .pacman && all[0].version == "24.1.4" && all[0].release == "1")
        #expect(all[0].architecture == "any" && all[0].installTime == 1_717_000_000)
        #expect(all[1].version == "6.9.1.arch1" && all[1].fullVersion == "6.9.1.arch1-1")
        #expect(all[2].epoch == 1 && all[2].version == "9.7p1" && all[2].fullVersion == "1:9.7p1-2")
        #expect(try db.owners(of: "/usr/bin/cloud-init") == ["cloud-init"])
        #expect(try db.owners(of: "/usr/lib/modules/6.9.1-arch1-1") == ["linux"])
        // %BACKUP% (config files with a checksum) is another section: its lines are not %FILES%.
        #expect(try db.owners(of: "/etc/cloud/cloud.cfg").isEmpty)
        #expect(db.problems.count == 2, "\(db.problems)")
        #expect(db.problems.contains { $0.contains("broken-1.0-1/desc: no %NAME% or %VERSION%") })
        #expect(db.problems.contains { $0.contains("nodesc-1-1: no desc") })
    }

    @Test func inspectionFindsThePacmanDatabase() throws {
        let root = try Self.guest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let facts = GuestInspector.inspect(
            GuestTree(root: try DirectoryFileSystem(path: root)), declared: DeclaredInterest(packages: ["openssh"]))
        #expect(facts.packageDatabase.kind == "pacman")
        #expect(facts.packageDatabase.isReadable)
        #expect(facts.packageDatabase.packageCount == 3)
        let ci = try #require(facts.package(named: "cloud-init"))
        #expect(ci.compareUpstream(to: "23.2") > 0)
        #expect(ci.compareUpstream(to: "24.2") < 0)
        let ssh = try #require(facts.package(named: "openssh"))
        // pacman's order: the epoch first, then pkgver, then pkgrel.
        #expect(ssh.compareVersion(to: "9.9p1-1") > 0)
        #expect(ssh.compareVersion(to: "1:9.7p1-3") < 0)
    }
}
