import BlockIO
import Guest
import PackageDatabases
import Testing

/// ndb `Packages.db` files built byte by byte, and their exact corruptions.
@Suite struct RPMNDBTests {
    static func sample() -> [UInt8] {
        var b = NDBBuilder()
        b.blobs = [
            (1, RPMHeaderBuilder.package("cloud-init").build()),
            (2, RPMHeaderBuilder.package("bash", version: "5.1").build()),
        ]
        return b.build()
    }

    static func names(_ bytes: [UInt8]) throws -> [String] {
        try RPMPackageDatabase(source: try RPMNDBSource(device: MemoryDevice(bytes)), evidence: "Packages.db")
            .packages().map(\.name)
    }

    @Test func builtDatabaseLists() throws {
        #expect(try Self.names(Self.sample()) == ["cloud-init", "bash"])
        let source = try RPMNDBSource(device: MemoryDevice(Self.sample()))
        #expect(source.packages.slots.map(\.packageIndex) == [1, 2])
    }

    @Test func slotPastTheFileIsTruncated() {
        var bytes = Self.sample()
        bytes.putLE32(0x00FF_FFFF, at: 32 + 8)  // slot 0 blkoff
        #expect(RPMTestSupport.error { try Self.names(bytes) }?.kind == .truncated)
        var count = Self.sample()
        count.putLE32(0xFFFF_0000, at: 32 + 12)  // slot 0 blkcnt
        #expect(RPMTestSupport.error { try Self.names(count) }?.kind == .truncated)
        var pages = Self.sample()
        pages.putLE32(1000, at: 12)  // slotnpages past the end
        #expect(RPMTestSupport.error { try Self.names(pages) }?.kind == .truncated)
    }

    @Test func badMagicsAndChecksumsAreRefused() {
        var magic = Self.sample()
        magic[0] = UInt8(ascii: "X")
        #expect(RPMTestSupport.error { try Self.names(magic) }?.kind == .badMagic)
        var slot = Self.sample()
        slot[48] = UInt8(ascii: "X")
        #expect(RPMTestSupport.error { try Self.names(slot) }?.kind == .badMagic)
        var blob = Self.sample()
        blob[4096] = UInt8(ascii: "X")
        #expect(RPMTestSupport.error { try Self.names(blob) }?.kind == .badMagic)
        var data = Self.sample()
        data[4096 + 40] ^= 0xFF  // inside the first header blob
        let e = RPMTestSupport.error { try Self.names(data) }
        #expect(e?.kind == .corrupt)
        #expect(e?.detail.contains("Adler-32") == true)
        var index = Self.sample()
        index.putLE32(9, at: 4096 + 4)  // blob says package 9, slot says 1
        #expect(RPMTestSupport.error { try Self.names(index) }?.kind == .corrupt)
        var length = Self.sample()
        length.putLE32(3, at: 4096 + 12)  // bloblen disagrees with blkcnt
        #expect(RPMTestSupport.error { try Self.names(length) }?.kind == .corrupt)
        var version = Self.sample()
        version.putLE32(1, at: 4)
        #expect(RPMTestSupport.error { try Self.names(version) }?.kind == .unsupported)
    }

    @Test func adler32MatchesRFC1950() {
        #expect(NDBPackages.adler32(ArraySlice("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(
            NDBPackages.adler32([UInt8](repeating: 0xFF, count: 100_000)[...])
                == NDBBuilder.adler32([UInt8](repeating: 0xFF, count: 100_000)))
    }
}
