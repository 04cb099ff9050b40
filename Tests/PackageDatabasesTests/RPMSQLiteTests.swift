import BlockIO
import FileSystems
import Foundation
import Guest
import PackageDatabases
import TestSupport
import Testing

/// The SQLite backend through the read-only VFS: a transaction left in the WAL, read without
/// writing anything; bad pages, non-databases and hostile schemas.
@Suite struct RPMSQLiteTests {
    static func fixture(_ name: String) throws -> String { try Fixtures.path("rpm-rhel9/\(name)") }

    static func lines(_ source: RPMSQLiteSource) throws -> [String] {
        RPMTestSupport.lines(try RPMPackageDatabase(source: source, evidence: "rpmdb.sqlite").packages())
    }

    @Test func committedTransactionInTheWALIsSeen() throws {
        let dir = try Self.fixture("wal-root/var/lib/rpm")
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let main = try RPMTestSupport.bytes(dir + "/rpmdb.sqlite")
        let wal = try RPMTestSupport.bytes(dir + "/rpmdb.sqlite-wal")
        #expect(!wal.isEmpty)

        let tree = GuestTree(root: try DirectoryFileSystem(path: try Self.fixture("wal-root")))
        let db = try #require(try RPMDatabaseLocator.open(tree))
        #expect(
            RPMTestSupport.lines(try db.packages()) == (try RPMTestSupport.readLines(try Self.fixture("wal-qa.tsv"))))
        #expect(try db.packages(named: "wal-marker").map(\.fullVersion) == ["1.0-1"])
        #expect(db.decision.contains("write-ahead log /var/lib/rpm/rpmdb.sqlite-wal"))

        // Nothing written: same files, same bytes, no -shm or -journal appeared.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == before)
        #expect(try RPMTestSupport.bytes(dir + "/rpmdb.sqlite") == main)
        #expect(try RPMTestSupport.bytes(dir + "/rpmdb.sqlite-wal") == wal)
    }

    @Test func withoutItsWALTheOldStateIsRead() throws {
        let dir = try Self.fixture("wal-root/var/lib/rpm")
        let main = MemoryDevice(try RPMTestSupport.bytes(dir + "/rpmdb.sqlite"))
        let root = try RPMTestSupport.readLines(try Self.fixture("rpm-qa.tsv"))
        #expect(try Self.lines(RPMSQLiteSource(database: main)) == root)
        #expect(try Self.lines(RPMSQLiteSource(database: main, wal: MemoryDevice([]))) == root)
        // A WAL whose header is not valid holds no committed frame: SQLite ignores it, so do we.
        let junk = MemoryDevice([UInt8](repeating: 0x5A, count: 8192))
        #expect(try Self.lines(RPMSQLiteSource(database: main, wal: junk)) == root)
    }

    @Test func walBesideARollbackModeHeaderIsStillRead() throws {
        // SQLite opens a WAL it finds even when the header says rollback mode (a crash between
        // journal-mode changes); python3's sqlite3 sees wal-marker there too.
        let dir = try Self.fixture("wal-root/var/lib/rpm")
        var main = try RPMTestSupport.bytes(dir + "/rpmdb.sqlite")
        main[18] = 1
        main[19] = 1
        let wal = MemoryDevice(try RPMTestSupport.bytes(dir + "/rpmdb.sqlite-wal"))
        let source = try RPMSQLiteSource(database: MemoryDevice(main), wal: wal)
        #expect(try Self.lines(source) == (try RPMTestSupport.readLines(try Self.fixture("wal-qa.tsv"))))
    }

    @Test func badPagesAreCorrupt() throws {
        var bytes = try RPMTestSupport.bytes(try Self.fixture("root/var/lib/rpm/rpmdb.sqlite"))
        // Everything after the schema page becomes garbage: Packages' b-tree is unreadable.
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let e = RPMTestSupport.error { try Self.lines(RPMSQLiteSource(database: MemoryDevice(bytes))) }
        #expect(e?.kind == .corrupt)
        #expect(e?.layer == "rpm-sqlite")
    }

    @Test func truncatedDatabaseIsAnError() throws {
        let bytes = try RPMTestSupport.bytes(try Self.fixture("root/var/lib/rpm/rpmdb.sqlite"))
        let e = RPMTestSupport.error {
            try Self.lines(RPMSQLiteSource(database: MemoryDevice(Array(bytes.prefix(bytes.count / 2)))))
        }
        #expect(e != nil)
        #expect(e?.kind == .corrupt)
    }

    @Test func notADatabaseIsBadMagic() {
        let junk = MemoryDevice([UInt8](repeating: 0x42, count: 8192))
        #expect(RPMTestSupport.error { try RPMSQLiteSource(database: junk) }?.kind == .badMagic)
    }

    @Test func hostileSchemasAreNotRun() throws {
        let view = try FileDevice(path: try Self.fixture("evil-view/rpmdb.sqlite"))
        let e = RPMTestSupport.error { try RPMSQLiteSource(database: view) }
        #expect(e?.kind == .unsupported)
        #expect(e?.detail.contains("view") == true)
        // Name is an endless view: the lookup scans Packages instead of running it.
        let name = try RPMSQLiteSource(database: FileDevice(path: try Self.fixture("evil-name/rpmdb.sqlite")))
        let db = RPMPackageDatabase(source: name, evidence: "rpmdb.sqlite")
        #expect(try db.packages(named: "cloud-init").map(\.version) == ["23.4"])
    }

    @Test func concurrentDatabasesStaySeparate() async throws {
        let a = try Self.fixture("root/var/lib/rpm/rpmdb.sqlite")
        let b = try Fixtures.shared("testdata/rpmdb/cbl-mariner-2.0/rpmdb.sqlite")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                let path = i % 2 == 0 ? a : b
                group.addTask {
                    try RPMPackageDatabase(source: RPMSQLiteSource(database: FileDevice(path: path)), evidence: path)
                        .packages().count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(counts) == [4, 129])
    }
}
