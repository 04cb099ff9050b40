import BlockIO
import Guest
import PackageDatabases
import TestSupport
import Testing

/// Berkeley DB hash: the fixture databases made by db5.3_load compared with rpm's listing, and
/// exact corruptions of files built byte by byte.
@Suite struct RPMBerkeleyDBTests {
    static func sample(littleEndian: Bool = true) -> (builder: BerkeleyDBBuilder, keys: [UInt32]) {
        var b = BerkeleyDBBuilder()
        b.littleEndian = littleEndian
        let key: (UInt32) -> [UInt8] = { littleEndian ? [UInt8].le32($0) : [UInt8].be32($0) }
        var big = RPMHeaderBuilder.package("cloud-init")
        big.bin(5000, [UInt8](repeating: 0xA5, count: 1500))  // spans four 512-byte overflow pages
        b.buckets = [
            [(key(0), key(3)), (key(1), big.build())],
            [(key(2), RPMHeaderBuilder.package("kernel-core", version: "5.14.0").build())],
        ]
        return (b, [1, 2])
    }

    static func names(_ bytes: [UInt8]) throws -> [String] {
        let db = RPMPackageDatabase(source: try RPMBerkeleyDBSource(device: MemoryDevice(bytes)), evidence: "Packages")
        return try db.packages().map(\.name)
    }

    @Test(arguments: [true, false]) func builtDatabaseInBothByteOrders(littleEndian: Bool) throws {
        let bytes = Self.sample(littleEndian: littleEndian).builder.build()
        let source = try RPMBerkeleyDBSource(device: MemoryDevice(bytes))
        #expect(source.database.metadata.littleEndian == littleEndian)
        var keys: [UInt32] = []
        try source.forEachHeaderBlob { keys.append($0.key) }
        #expect(keys == [1, 2])  // record 0 (rpm's counter) skipped
        #expect(try Self.names(bytes) == ["cloud-init", "kernel-core"])
    }

    @Test(arguments: ["bdb-root/var/lib/rpm/Packages", "bdb-be/Packages"])
    func fixtureDatabasesListWhatRpmLists(path: String) throws {
        let file = try FileDevice(path: try Fixtures.path("rpm-rhel9/\(path)"))
        let source = try RPMBerkeleyDBSource(device: file)
        #expect(source.database.metadata.littleEndian == !path.hasPrefix("bdb-be"))
        #expect(source.database.metadata.pageSize == (path.hasPrefix("bdb-be") ? 512 : 4096))
        let db = RPMPackageDatabase(source: source, evidence: path)
        let reference = path.hasPrefix("bdb-be") ? "bdb-be-qa.tsv" : "bdb-qa.tsv"
        #expect(
            RPMTestSupport.lines(try db.packages())
                == (try RPMTestSupport.readLines(try Fixtures.path("rpm-rhel9/\(reference)"))))
        // Owners from the same headers, compared with rpm's file list of the SQLite original.
        for line in try RPMTestSupport.readLines(try Fixtures.path("rpm-rhel9/rpm-files.tsv")) {
            let parts = line.split(separator: "\t").map(String.init)
            #expect(try db.owners(of: parts[0]).contains(parts[1]), "\(parts[0])")
        }
    }

    @Test func badMagicAndTruncatedFilesAreRefused() {
        var bytes = Self.sample().builder.build()
        #expect(
            RPMTestSupport.error { try RPMBerkeleyDBSource(device: MemoryDevice(Array(bytes.prefix(100)))) }?.kind
                == .truncated)
        #expect(
            RPMTestSupport.error { try RPMBerkeleyDBSource(device: MemoryDevice(Array(bytes.dropLast(512)))) }?.kind
                == .truncated)
        bytes.putLE32(0x1234_5678, at: 12)
        #expect(RPMTestSupport.error { try RPMBerkeleyDBSource(device: MemoryDevice(bytes)) }?.kind == .badMagic)
        var btree = Self.sample().builder.build()
        btree.putLE32(0x0005_3162, at: 12)
        #expect(RPMTestSupport.error { try RPMBerkeleyDBSource(device: MemoryDevice(btree)) }?.kind == .unsupported)
        var pageSize = Self.sample().builder.build()
        pageSize.putLE32(1000, at: 20)
        #expect(RPMTestSupport.error { try RPMBerkeleyDBSource(device: MemoryDevice(pageSize)) }?.kind == .corrupt)
    }

    @Test func hashBucketLoopIsALoop() {
        var bytes = Self.sample().builder.build()
        bytes.putLE32(1, at: 512 + 16)  // bucket 0's page (1) continues on page 1
        #expect(RPMTestSupport.error { try Self.names(bytes) }?.kind == .loop)
        var cross = Self.sample().builder.build()
        cross.putLE32(1, at: 512 * 2 + 16)  // bucket 1's page continues on bucket 0's page
        #expect(RPMTestSupport.error { try Self.names(cross) }?.kind == .loop)
    }

    @Test func overflowLoopAndBrokenChainsAreRefused() {
        let good = Self.sample().builder.build()
        // Page 3 is the first overflow page of cloud-init's header (after the two bucket pages).
        #expect(good[3 * 512 + 25] == 7)
        var loop = good
        loop.putLE32(3, at: 3 * 512 + 16)
        #expect(RPMTestSupport.error { try Self.names(loop) }?.kind == .loop)
        var cut = good
        cut.putLE32(0, at: 3 * 512 + 16)
        #expect(RPMTestSupport.error { try Self.names(cut) }?.kind == .truncated)
        var past = good
        past.putLE32(9999, at: 3 * 512 + 16)
        #expect(RPMTestSupport.error { try Self.names(past) }?.kind == .corrupt)
        var wrongType = good
        wrongType[3 * 512 + 25] = 13
        #expect(RPMTestSupport.error { try Self.names(wrongType) }?.kind == .corrupt)
        var wrongNumber = good
        wrongNumber.putLE32(77, at: 3 * 512 + 8)
        #expect(RPMTestSupport.error { try Self.names(wrongNumber) }?.kind == .corrupt)
        var tooLong = good
        tooLong.putLE16(600, at: 3 * 512 + 22)
        #expect(RPMTestSupport.error { try Self.names(tooLong) }?.kind == .corrupt)
    }

    @Test func badItemOffsetsAreCorrupt() {
        var bytes = Self.sample().builder.build()
        bytes.putLE16(5, at: 512 + 26)  // item 0 inside the index area
        #expect(RPMTestSupport.error { try Self.names(bytes) }?.kind == .corrupt)
        var odd = Self.sample().builder.build()
        odd.putLE16(3, at: 512 + 20)
        #expect(RPMTestSupport.error { try Self.names(odd) }?.kind == .corrupt)
        var huge = Self.sample().builder.build()
        huge.putLE16(0xFFFF, at: 512 + 20)
        #expect(RPMTestSupport.error { try Self.names(huge) }?.kind == .corrupt)
    }
}
