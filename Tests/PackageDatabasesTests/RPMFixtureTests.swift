import BlockIO
import FileSystems
import Foundation
import Guest
import PackageDatabases
import TestSupport
import Testing

/// The RHEL-9-like roots of the rpm-rhel9 fixtures, read through `RPMDatabaseLocator` and
/// compared with what rpm itself printed (`rpm -qa`, `-qf`, FILENAMES) when the fixture was built.
@Suite struct RPMFixtureTests {
    static func open(_ fixture: String) throws -> RPMPackageDatabase {
        let tree = GuestTree(root: try DirectoryFileSystem(path: try Fixtures.path("\(fixture)/root")))
        return try #require(try RPMDatabaseLocator.open(tree))
    }

    @Test(arguments: ["rpm-rhel9", "rpm-rhel9-oldci"]) func listsWhatRpmLists(fixture: String) throws {
        let db = try Self.open(fixture)
        #expect(db.kind == "rpm-sqlite")
        #expect(db.evidence == "/var/lib/rpm/rpmdb.sqlite")
        #expect(
            RPMTestSupport.lines(try db.packages())
                == (try RPMTestSupport.readLines(try Fixtures.path("\(fixture)/rpm-qa.tsv"))))
        let ci = try db.packages(named: "cloud-init")
        #expect(ci.map(\.version) == [fixture == "rpm-rhel9" ? "23.4" : "22.1"])
        #expect(try db.packages(named: "NetworkManager").map(\.fullVersion) == ["1:1.46.0-4.el9_4"])
        let kernel = try #require(try db.packages(named: "kernel-core").first)
        #expect(kernel.sourceRPM == "kernel-core-5.14.0-427.el9.src.rpm")
        #expect(kernel.installTime == 1_700_000_003)  // rpm takes SOURCE_DATE_EPOCH, +1 s per package
    }

    @Test(arguments: ["rpm-rhel9", "rpm-rhel9-oldci"]) func ownersMatchRpm(fixture: String) throws {
        let db = try Self.open(fixture)
        var expected: [String: [String]] = [:]
        for line in try RPMTestSupport.readLines(try Fixtures.path("\(fixture)/rpm-files.tsv")) {
            let parts = line.split(separator: "\t").map(String.init)
            expected[parts[0], default: []].append(parts[1])
        }
        #expect(expected.count > 40)
        for (path, owners) in expected {
            #expect(try db.owners(of: path).sorted() == owners.sorted(), "\(path)")
        }
        for line in try RPMTestSupport.readLines(try Fixtures.path("\(fixture)/rpm-qf.tsv")) {
            let parts = line.split(separator: "\t").map(String.init)
            let want = parts[1] == "-" ? [] : parts[1].split(separator: ",").map(String.init)
            #expect(try db.owners(of: parts[0]).sorted() == want, "rpm -qf \(parts[0])")
        }
    }

    @Test func lookupByNameReadsLittle() throws {
        let db = try Self.open("rpm-rhel9")
        let opened = db.counter.bytes
        #expect(try db.packages(named: "azure-vm-utils").map(\.fullVersion) == ["0.6.0-1.el9"])
        print(
            "rpm-rhel9 azure-vm-utils lookup: open \(opened) B + lookup \(db.counter.bytes - opened) B of \(db.size) B")
        #expect(db.counter.bytes < db.size / 2)
    }
    @Test func ext4DiskImageEndToEnd() throws {
        let image = try GuestImage.open(try Fixtures.path("rpm-rhel9/root.ext4"))
        let db = try #require(try RPMDatabaseLocator.open(image.tree))
        let before = image.counter.bytes
        #expect(try db.packages(named: "cloud-init").map(\.fullVersion) == ["23.4-1.el9"])
        let lookup = image.counter.bytes - before
        print(
            "rpm-rhel9 root.ext4: cloud-init lookup read \(lookup) B of the image (\(db.counter.bytes) B of the"
                + " \(db.size)-byte rpmdb.sqlite through SQLite, open included)")
        #expect(db.counter.bytes < db.size / 2)
        #expect(lookup < db.size / 2)
        #expect(
            RPMTestSupport.lines(try db.packages())
                == (try RPMTestSupport.readLines(try Fixtures.path("rpm-rhel9/rpm-qa.tsv"))))
        #expect(try db.owners(of: "/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules") == ["azure-vm-utils"])
        #expect(try db.owners(of: "/usr/lib/modules/5.14.0-427.el9.x86_64/vmlinuz") == ["kernel-core"])
    }

    @Test func ownersThroughDirectorySymlinksAsRpmQf() throws {
        // /lib → usr/lib: rpm -qf /usr/lib/modules/…/vmlinuz answers kernel-core (rpm-qf.tsv has rpm's answers).
        let db = try Self.open("rpm-rhel9")
        let k = "5.14.0-427.el9.x86_64"
        #expect(try db.owners(of: "/usr/lib/modules/\(k)/vmlinuz") == ["kernel-core"])
        #expect(try db.owners(of: "/usr/lib/modules/\(k)/kernel/drivers/hv/hv_vmbus.ko.xz") == ["kernel-core"])
        #expect(try db.owners(of: "/usr/lib/modules/\(k)") == ["kernel-core"])
        #expect(try db.owners(of: "/lib/udev/rules.d/10-azure-unmanaged-sriov.rules") == ["azure-vm-utils"])
        #expect(try db.owners(of: "/usr/lib/os-release").isEmpty)
        #expect(try db.owners(of: "/usr/lib/modules/\(k)/nonexistent.ko").isEmpty)
        #expect(try db.owners(of: "/sbin/NetworkManager") == ["NetworkManager"])
        // Without a tree, only exact paths.
        let exact = RPMPackageDatabase(source: db.source, evidence: db.evidence)
        #expect(try exact.owners(of: "/usr/lib/modules/\(k)/vmlinuz").isEmpty)
        #expect(try exact.owners(of: "/lib/modules/\(k)/vmlinuz") == ["kernel-core"])
    }
}

/// Where the locator looks and what it prefers, on trees assembled in a scratch folder.
@Suite struct RPMDatabaseLocatorTests {
    /// A scratch root; `files` maps guest paths to host files to copy (nil: an empty file).
    static func root(_ files: [String: String?], links: [String: String] = [:]) throws -> (String, GuestTree) {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("imagegate-rpm-\(UUID().uuidString)").path
        for (guest, host) in files {
            let target = dir + guest
            try fm.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if let host {
                try fm.copyItem(atPath: host, toPath: target)
            } else {
                _ = fm.createFile(atPath: target, contents: Data())
            }
        }
        for (guest, destination) in links {
            let at = dir + guest
            try fm.createDirectory(
                atPath: (at as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: at, withDestinationPath: destination)
        }
        return (dir, GuestTree(root: try DirectoryFileSystem(path: dir)))
    }

    @Test func sysimageBehindASymlinkCountsOnceAndSQLiteWins() throws {
        let sqlite = try Fixtures.path("rpm-rhel9/root/var/lib/rpm/rpmdb.sqlite")
        let bdb = try Fixtures.path("rpm-rhel9/bdb-root/var/lib/rpm/Packages")
        let (dir, tree) = try Self.root(
            ["/usr/lib/sysimage/rpm/rpmdb.sqlite": sqlite, "/usr/lib/sysimage/rpm/Packages": bdb],
            links: ["/var/lib/rpm": "../../usr/lib/sysimage/rpm"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let candidates = try RPMDatabaseLocator.candidates(in: tree)
        #expect(
            candidates.map(\.guestPath) == ["/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/Packages"])
        let db = try #require(try RPMDatabaseLocator.open(tree))
        #expect(db.kind == "rpm-sqlite")
        #expect(db.evidence == "/usr/lib/sysimage/rpm/rpmdb.sqlite")
        #expect(db.decision.contains("preferred over /usr/lib/sysimage/rpm/Packages (rpm-bdb)"))
        #expect(try db.packages().count == 4)
    }

    @Test func ndbInSysimageAndBerkeleyDBInVarLib() throws {
        let ndb = try Fixtures.shared("testdata/rpmdb/sle15-bci/Packages.db")
        let bdb = try Fixtures.path("rpm-rhel9/bdb-root/var/lib/rpm/Packages")
        let (d1, suse) = try Self.root(["/usr/lib/sysimage/rpm/Packages.db": ndb])
        defer { try? FileManager.default.removeItem(atPath: d1) }
        let s = try #require(try RPMDatabaseLocator.open(suse))
        #expect(s.kind == "rpm-ndb")
        #expect(s.evidence == "/usr/lib/sysimage/rpm/Packages.db")
        #expect(try s.packages().count == 35)
        let direct = try RPMDatabaseLocator.open(suse, path: "/usr/lib/sysimage/rpm/Packages.db")
        #expect(direct.kind == "rpm-ndb")
        #expect(
            RPMTestSupport.error { try RPMDatabaseLocator.open(suse, path: "/var/lib/rpm/Packages") }?.kind == .notFound
        )
        // An empty rpmdb.sqlite (left by a failed conversion) is ignored.
        let (d2, rhel8) = try Self.root(["/var/lib/rpm/Packages": bdb, "/var/lib/rpm/rpmdb.sqlite": nil])
        defer { try? FileManager.default.removeItem(atPath: d2) }
        let r = try #require(try RPMDatabaseLocator.open(rhel8))
        #expect(r.kind == "rpm-bdb")
        #expect(r.evidence == "/var/lib/rpm/Packages")
    }

    @Test func pathsListEveryBackendInBothDirectories() {
        #expect(RPMDatabaseLocator.paths.count == 6)
        #expect(RPMDatabaseLocator.paths.first == "/var/lib/rpm/rpmdb.sqlite")
        #expect(RPMDatabaseLocator.paths.last == "/usr/lib/sysimage/rpm/Packages")
    }

    @Test func noDatabaseIsNilAndAnUnreadableOneThrows() throws {
        let (d1, empty) = try Self.root([:], links: ["/var/lib/rpm": "/nowhere"])
        defer { try? FileManager.default.removeItem(atPath: d1) }
        #expect(try RPMDatabaseLocator.open(empty) == nil)
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-junk-\(UUID().uuidString)")
            .path
        _ = FileManager.default.createFile(atPath: junk, contents: Data(repeating: 0x42, count: 8192))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        let (d2, broken) = try Self.root(["/var/lib/rpm/rpmdb.sqlite": junk, "/var/lib/rpm/Packages": junk])
        defer { try? FileManager.default.removeItem(atPath: d2) }
        let e = RPMTestSupport.error { try RPMDatabaseLocator.open(broken) }
        #expect(e?.kind == .badMagic)
        #expect(e?.layer == "rpm-sqlite")
    }
}
