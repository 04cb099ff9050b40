import BlockIO
import FileSystems
import Foundation
import Guest
import TestSupport
import Testing

@testable import PackageDatabases

@Suite struct DpkgDatabaseTests {
    @Test func ownersAreMergedUsrAwareBothWays() throws {
        let db = try DpkgDatabase(tree: try Trees.tree("inspect-debian12"))
        #expect(db.kind == "dpkg")
        #expect(db.evidence == "/var/lib/dpkg/status")
        // The list says /lib/modules/…; the merged-/usr path asks for /usr/lib/modules/….
        #expect(
            try db.owners(of: "/usr/lib/modules/6.1.0-28-cloud-amd64/kernel/drivers/hv/hv_vmbus.ko") == [
                "linux-image-6.1.0-28-cloud-amd64"
            ])
        // A multi-arch list (libc6:amd64.list) and the reverse direction.
        #expect(try db.owners(of: "/usr/lib/x86_64-linux-gnu/libc.so.6") == ["libc6"])
        #expect(try db.owners(of: "/lib/x86_64-linux-gnu/libc.so.6") == ["libc6"])
        #expect(try db.owners(of: "/boot/vmlinuz-6.12.0-custom").isEmpty)
        #expect(try db.installTime(of: "cloud-init") != nil)
        #expect(try db.installTime(of: "systemd") == nil)  // no .list file
    }

    @Test func packagesNamedAndEpochs() throws {
        let db = try DpkgDatabase(tree: try Trees.tree("inspect-debian12"))
        let systemd = try db.packages(named: "systemd")
        #expect(systemd.count == 1)
        #expect(systemd.first?.version == "252.30")
        #expect(systemd.first?.release == "1~deb12u2")
        #expect(systemd.first?.epoch == nil)
        #expect(try db.packages().count == 6)
    }

    @Test func missingStatusIsNotFound() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ImageError.self) { try DpkgDatabase(tree: try Trees.tree("inspect-rhel9")) }
        do {
            _ = try DpkgDatabase(tree: try Trees.tree("inspect-rhel9"))
        } catch let e as ImageError {
            #expect(e.kind == .notFound)
        }
    }

    @Test func statusThatIsADirectoryIsUnsupported() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/var/lib/dpkg/status", withIntermediateDirectories: true)
        let tree = GuestTree(root: try DirectoryFileSystem(path: root))
        do {
            _ = try DpkgDatabase(tree: tree)
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.kind == .unsupported)
        }
        let facts = GuestInspector.inspect(tree)
        #expect(facts.packageDatabase.unreadable?.contains("not a regular file") == true)
    }
}

/// The streamed first-hit search answers exactly as the full index of every list.
@Suite struct DpkgOwnerSearchTests {
    @Test func streamedSearchAgreesWithTheFullIndex() throws {
        let root = try Fixtures.path("debian12-tree/rootfs")
        let tree = GuestTree(root: try DirectoryFileSystem(path: root))
        let indexed = try DpkgDatabase(tree: tree)
        _ = try indexed.owners(of: "/usr")  // a directory: builds the full index
        let release = try String(contentsOfFile: try Fixtures.path("debian12-disk/kernel-release"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var asked = [
            "/boot/vmlinuz-\(release)", "/lib/modules/\(release)/modules.builtin", "/bin/sh", "/boot/vmlinuz-0-none",
        ]
        let lists = try FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/dpkg/info").filter {
            $0.hasSuffix(".list")
        }.sorted()
        for (i, list) in lists.enumerated() where i % 8 == 0 {
            let lines = try String(contentsOfFile: root + "/var/lib/dpkg/info/" + list, encoding: .utf8)
                .split(separator: "\n")
            asked += lines.enumerated().filter { $0.offset % 7 == 0 }.map { String($0.element) }
        }
        #expect(asked.count > 100)
        var owned = 0
        for path in asked {
            let fresh = try DpkgDatabase(tree: tree)
            let want = try indexed.owners(of: path)
            #expect(try fresh.owners(of: path) == want, "\(path)")
            if !want.isEmpty { owned += 1 }
        }
        #expect(owned > 50)
        #expect(try DpkgDatabase(tree: tree).owners(of: "/boot/vmlinuz-\(release)") == ["linux-image-\(release)"])
    }

    @Test func uncleanListLinesAreCanonicalised() {
        let key = Array("/usr/lib/x/y".utf8)
        #expect(DpkgDatabase.list(Array("/a\n/lib/x/y\n".utf8), names: key))
        #expect(DpkgDatabase.list(Array("/usr//lib/./x/y/\n".utf8), names: key))
        #expect(DpkgDatabase.list(Array("/usr/lib/x/y".utf8), names: key))
        #expect(!DpkgDatabase.list(Array("/opt/lib/x/y\n/usr/lib/x/yz\n/lib/x\n".utf8), names: key))
        #expect(!DpkgDatabase.list(Array("/usrx/lib/x/y\n".utf8), names: Array("/usr/usrx/lib/x/y".utf8)))
        #expect(DpkgDatabase.kernelRelease(of: "/boot/vmlinuz-6.1.0-28-cloud-amd64") == "6.1.0-28-cloud-amd64")
        #expect(DpkgDatabase.kernelRelease(of: "/usr/lib/modules/6.1.0/modules.builtin") == "6.1.0")
        #expect(DpkgDatabase.kernelRelease(of: "/boot/vmlinuz-") == nil)
    }
}
