import BlockIO
import FileSystems
import Foundation
import Guest
import PackageDatabases
import Testing

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
