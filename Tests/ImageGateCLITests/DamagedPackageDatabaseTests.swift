import Foundation
import TestSupport
import Testing

/// A package database that exists but cannot be read, or has a damaged record, makes `check`
/// report the image as unreadable (verdict `error`, exit 2, the error naming the database's
/// layer), as a damaged file system does. Before, the packages were lost, `kernel`, `cloud-init`
/// and `azure-vm-utils` skipped, and the damaged image passed the gate.
///
/// Each damaged database is made here from a real one: the RHEL 9.4 guest of fixture
/// `mutation-bases` (rpm's Berkeley DB `Packages`), SUSE's ndb and CBL-Mariner's SQLite database
/// from `../shared/testdata/rpmdb` put in its place, and the debootstrap status file of fixture
/// `debian12-tree`. The same guests with the database intact, or with none at all, are no error.
@Suite struct DamagedPackageDatabaseTests {
    static let rpmDirectory = "/var/lib/rpm"

    /// A copy of the RHEL guest in a folder of its own, its `Packages` replaced by `database`
    /// (the bytes of the file named `file`), or removed when `database` is nil.
    static func rhelGuest(_ database: [UInt8]?, as file: String = "Packages") throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-db-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let guest = root + "/rhel"
        try MutationTables.copyTree(try MutationTables.base("rpm-bdb"), guest, except: rpmDirectory + "/Packages")
        if let database {
            try Data(database).write(to: URL(fileURLWithPath: guest + rpmDirectory + "/" + file))
        }
        return guest
    }

    /// A Debian 12 guest with only the fixture's os-release and `status` as the dpkg status.
    static func debianGuest(status: (String) throws -> Void) throws -> String {
        let rootfs = try Fixtures.path("debian12-tree/rootfs")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-db-\(UUID())").path
        let guest = root + "/debian"
        try FileManager.default.createDirectory(atPath: guest + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: guest + "/var/lib/dpkg", withIntermediateDirectories: true)
        // os-release is a link to ../usr/lib/os-release in Debian: its content is what counts.
        let release = try Data(contentsOf: URL(fileURLWithPath: rootfs + "/etc/os-release").resolvingSymlinksInPath())
        try release.write(to: URL(fileURLWithPath: guest + "/etc/os-release"))
        try status(guest + "/var/lib/dpkg/status")
        return guest
    }

    static func remove(_ guest: String) {
        try? FileManager.default.removeItem(atPath: (guest as NSString).deletingLastPathComponent)
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// `check --format json` of `guest`: the exit status and its one report, parsed and as written.
    static func check(_ guest: String) throws -> (status: Int32, report: [String: Any], stderr: String, raw: Data) {
        let r = try CLI.run(["check", "--format", "json", guest])
        let report = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any] ?? [:]
        return (r.status, report, r.stderr, r.stdout)
    }

    /// Checks `guest` and expects verdict `error`, exit 2 and an error of `layer` containing `detail`.
    static func expectError(_ guest: String, layer: String, _ detail: String) throws {
        let c = try check(guest)
        #expect(c.status == 2, "\(c.stderr)")
        #expect(c.report["verdict"] as? String == "error")
        #expect(c.report["requirements"] == nil, "an unreadable image has no findings")
        let error = c.report["error"] as? [String: Any] ?? [:]
        let message = error["message"] as? String ?? ""
        #expect(error["layer"] as? String == layer, "\(error)")
        #expect(message.hasPrefix(layer + ": ") && message.contains(detail), "\(message)")
        #expect(c.stderr.contains("imagegate: error: \(message)"), "\(c.stderr)")
        #expect(try Tools.validateJSON([c.raw], schema: Fixtures.schema("report.schema.json")) == [])
    }

    /// The verdict and the status of `kernel`, `cloud-init` and `azure-vm-utils` of `guest`.
    static func statuses(_ guest: String) throws -> (status: Int32, verdict: String, findings: [String: String]) {
        let c = try check(guest)
        var findings: [String: String] = [:]
        for f in c.report["requirements"] as? [[String: Any]] ?? [] {
            if let id = f["id"] as? String { findings[id] = f["status"] as? String }
        }
        return (c.status, c.report["verdict"] as? String ?? "", findings)
    }

    static func sharedDatabase(_ name: String) throws -> [UInt8] {
        try bytes(try Fixtures.shared("testdata/rpmdb/" + name))
    }

    /// `bytes` with everything from `start` on overwritten by a pattern (no page is valid there).
    static func garbled(_ bytes: [UInt8], from start: Int) -> [UInt8] {
        var out = bytes
        for i in start..<out.count { out[i] = UInt8(truncatingIfNeeded: i &* 31) }
        return out
    }

    // MARK: the damage this suite is about: each backend, and dpkg

    @Test func intactDatabasesOfEveryBackendAreNoError() throws {
        let guests = [
            try Self.rhelGuestKeepingItsDatabase(),
            try Self.rhelGuest(try Self.sharedDatabase("sle15-bci/Packages.db"), as: "Packages.db"),
            try Self.rhelGuest(try Self.sharedDatabase("cbl-mariner-2.0/rpmdb.sqlite"), as: "rpmdb.sqlite"),
        ]
        defer { guests.forEach(Self.remove) }
        for guest in guests {
            let r = try Self.statuses(guest)
            #expect([0, 1].contains(r.status), "\(guest)")
            #expect(r.verdict != "error", "\(guest)")
        }
        // The guest's own database owns its kernel and lists cloud-init and azure-vm-utils.
        let own = try Self.statuses(guests[0])
        #expect(own.findings["kernel"] == "pass")
        #expect(own.findings["azure-vm-utils"] == "pass")
    }

    /// The guest as the fixture has it (its Berkeley DB kept).
    static func rhelGuestKeepingItsDatabase() throws -> String {
        try Self.rhelGuest(try Self.bytes(try MutationTables.base("rpm-bdb") + Self.rpmDirectory + "/Packages"))
    }

    @Test func ndbBlobWithItsLengthZeroedIsAnError() throws {
        var ndb = try Self.sharedDatabase("sle15-bci/Packages.db")
        // The first used slot (blkoff ≠ 0) of the slot page, after its 32-byte header; its blob
        // starts at blkoff × 16, the blob length 12 bytes in.
        let slot = try #require(stride(from: 32, to: 4096, by: 16).first { Self.le32(ndb, $0 + 8) != 0 })
        let blob = Self.le32(ndb, slot + 8) * 16
        ndb.replaceSubrange(blob + 12..<blob + 16, with: [0, 0, 0, 0])
        let guest = try Self.rhelGuest(ndb, as: "Packages.db")
        defer { Self.remove(guest) }
        try Self.expectError(guest, layer: "ndb", "at byte \(blob + 12)")
        // The text format says the same on stderr, once, and exits 2.
        let text = try CLI.run(["check", guest])
        #expect(text.status == 2)
        #expect(text.stderr.components(separatedBy: "imagegate: error: ndb: ").count == 2, "\(text.stderr)")
    }

    @Test func berkeleyDBWithGarbledPagesIsAnError() throws {
        let packages = try Self.bytes(try MutationTables.base("rpm-bdb") + Self.rpmDirectory + "/Packages")
        let pageSize = Self.le32(packages, 20)
        let guest = try Self.rhelGuest(Self.garbled(packages, from: pageSize))
        defer { Self.remove(guest) }
        try Self.expectError(guest, layer: "bdb", "at byte")
    }

    @Test func sqliteDatabaseWithGarbledPagesIsAnError() throws {
        let sqlite = try Self.sharedDatabase("cbl-mariner-2.0/rpmdb.sqlite")
        let guest = try Self.rhelGuest(Self.garbled(sqlite, from: 4096), as: "rpmdb.sqlite")
        defer { Self.remove(guest) }
        try Self.expectError(guest, layer: "rpm-sqlite", "malformed")
    }

    @Test func emptyRPMDatabaseIsAnError() throws {
        let guest = try Self.rhelGuest([])
        defer { Self.remove(guest) }
        try Self.expectError(guest, layer: "rpmdb", "/var/lib/rpm/Packages is empty")
    }

    @Test func dpkgStatusCutInsideARecordIsAnError() throws {
        var offset = 0
        let guest = try Self.debianGuest { path in
            let status = try Self.bytes(try Fixtures.path("debian12-tree/rootfs/var/lib/dpkg/status"))
            // Cut after cloud-init's Status line: an installed package without its Version.
            let paragraph = try #require(Self.find(Array("\nPackage: cloud-init\n".utf8), in: status)) + 1
            let statusLine = try #require(Self.find(Array("\nStatus: ".utf8), in: status, from: paragraph))
            let end = try #require(status[(statusLine + 1)...].firstIndex(of: 0x0A)) + 1
            offset = paragraph
            try Data(status[..<end]).write(to: URL(fileURLWithPath: path))
        }
        defer { Self.remove(guest) }
        try Self.expectError(
            guest, layer: "dpkg", "cloud-init: installed without a Version field (truncated?) at byte \(offset)")
    }

    @Test func dpkgStatusThatIsNotAFileIsAnError() throws {
        let guest = try Self.debianGuest { path in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        defer { Self.remove(guest) }
        try Self.expectError(guest, layer: "dpkg", "/var/lib/dpkg/status is not a regular file")
    }

    // MARK: no package database at all: unchanged

    @Test func guestWithoutAnyPackageDatabaseStillSkips() throws {
        let guest = try Self.rhelGuest(nil)
        defer { Self.remove(guest) }
        let r = try Self.statuses(guest)
        #expect([0, 1].contains(r.status))
        #expect(r.verdict != "error")
        // Its kernel's owner cannot be known: skipped, as before.
        #expect(r.findings["kernel"] == "skip")
    }

    // MARK: bytes

    static func le32(_ b: [UInt8], _ at: Int) -> Int {
        (0..<4).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first {
            haystack[$0..<$0 + needle.count].elementsEqual(needle)
        }
    }
}
