import BlockIO
import Foundation
import Guest
import PackageDatabases
import TestSupport
import Testing

/// The real databases of ../shared/testdata/rpmdb, each compared with its `expected.tsv`
/// (what rpm 4.18 prints with `-qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'`).
@Suite struct RPMRealDatabaseTests {
    static func expected(_ folder: String) throws -> [String] {
        let text = try String(
            contentsOfFile: try Fixtures.shared("testdata/rpmdb/\(folder)/expected.tsv"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    @Test func cblMarinerSQLiteListsExactlyTheExpectedPackages() throws {
        let device = try FileDevice(path: try Fixtures.shared("testdata/rpmdb/cbl-mariner-2.0/rpmdb.sqlite"))
        let db = RPMPackageDatabase(source: try RPMSQLiteSource(database: device), evidence: "rpmdb.sqlite")
        #expect(RPMTestSupport.lines(try db.packages()) == (try Self.expected("cbl-mariner-2.0")))
        #expect(db.kind == "rpm-sqlite")
    }

    @Test func findingCloudInitByNameReadsOnlyAFewPages() throws {
        let file = try FileDevice(path: try Fixtures.shared("testdata/rpmdb/cbl-mariner-2.0/rpmdb.sqlite"))
        let counter = ReadCounter()
        let source = try RPMSQLiteSource(database: CountingDevice(file, counter: counter))
        let db = RPMPackageDatabase(source: source, evidence: "rpmdb.sqlite")
        let opened = counter.bytes
        // This image has no cloud-init: the Name index says so without touching Packages.
        #expect(try db.packages(named: "cloud-init").isEmpty)
        let absent = counter.bytes
        let bash = try db.packages(named: "bash")
        #expect(bash.map(\.fullVersion) == ["5.1.8-1.cm2"])
        print(
            "rpm-sqlite: open \(opened) B, cloud-init (absent) \(absent) B, +bash \(counter.bytes - absent) B,"
                + " \(counter.reads) reads, database \(file.size) B")
        #expect(absent < file.size / 20)
        #expect(counter.bytes < file.size / 10)
    }

    @Test func centOSBerkeleyDBListsExactlyTheExpectedPackages() throws {
        let device = try FileDevice(path: try Fixtures.shared("testdata/rpmdb/libuuid/Packages"))
        let source = try RPMBerkeleyDBSource(device: device)
        #expect(source.database.metadata.littleEndian)
        #expect(source.database.metadata.pageSize == 4096)
        let db = RPMPackageDatabase(source: source, evidence: "Packages")
        #expect(RPMTestSupport.lines(try db.packages()) == (try Self.expected("libuuid")))
        #expect(db.kind == "rpm-bdb")
        #expect(try db.owners(of: "/usr/lib64/libuuid.so.1") == ["libuuid"])
    }

    @Test func suseNDBListsExactlyTheExpectedPackages() throws {
        let device = try FileDevice(path: try Fixtures.shared("testdata/rpmdb/sle15-bci/Packages.db"))
        let db = RPMPackageDatabase(source: try RPMNDBSource(device: device), evidence: "Packages.db")
        #expect(RPMTestSupport.lines(try db.packages()) == (try Self.expected("sle15-bci")))
        #expect(db.kind == "rpm-ndb")
        #expect(try db.packages(named: "bash").map(\.fullVersion) == ["4.4-19.6.1"])
        #expect(try db.owners(of: "/bin/bash") == ["bash"])
    }

    @Test func sharedBlobParses() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Fixtures.shared("testdata/rpmdb/blob.bin"))))
        let header = try RPMHeader(blob: bytes)
        #expect(header.regionTag == .headerImmutable)
        #expect(header.entries.count == 0x45)
        #expect(header.store.count == 0x1030)
        let package = try InstalledPackage(rpmHeader: header)
        print(
            "blob.bin: \(package.name) \(package.fullVersion) \(package.architecture ?? "-") \(package.sourceRPM ?? "-")"
        )
        #expect(!package.name.isEmpty)
    }
}
