import BlockIO
import Guest
import PackageDatabases
import Testing

/// Header blobs built byte by byte: values through every typed accessor, and exact corruptions.
@Suite struct RPMHeaderTests {
    @Test func builtHeaderGivesEveryValue() throws {
        var b = RPMHeaderBuilder.package(epoch: 2)
        b.int8(5000, [7, 8])
        b.int16(5001, [0x1234])
        b.int64(5002, [0x0102_0304_0506_0708])
        b.bin(5003, [0xDE, 0xAD])
        b.i18n(1004, ["Summary", "Résumé"])
        let h = try RPMHeader(blob: b.build())
        #expect(h.regionTag == .headerImmutable)
        #expect(h.regionEntryCount == h.entries.count)
        #expect(try h.string(.name) == "cloud-init")
        #expect(try h.int32s(.epoch) == [2])
        #expect(try h.int8s(RPMTag(rawValue: 5000)) == [7, 8])
        #expect(try h.int16s(RPMTag(rawValue: 5001)) == [0x1234])
        #expect(try h.int64s(RPMTag(rawValue: 5002)) == [0x0102_0304_0506_0708])
        #expect(try h.binary(RPMTag(rawValue: 5003)) == [0xDE, 0xAD])
        #expect(try h.string(RPMTag(rawValue: 1004)) == "Summary")
        #expect(try h.strings(RPMTag(rawValue: 1004)) == ["Summary", "Résumé"])
        #expect(try h.filePaths() == ["/usr/bin/cloud-init", "/usr/bin/cloud-id", "/etc/cloud/cloud.cfg"])
        let p = try InstalledPackage(rpmHeader: h)
        #expect(
            p
                == InstalledPackage(
                    manager: .rpm, name: "cloud-init", epoch: 2, version: "23.4", release: "1.el9",
                    architecture: "noarch",
                    sourceRPM: "cloud-init-23.4-1.el9.src.rpm"))
        #expect(p.fullVersion == "2:23.4-1.el9")
    }

    @Test func oldFilenamesServeOldHeaders() throws {
        var b = RPMHeaderBuilder()
        b.string(1000, "old")
        b.string(1001, "1.0")
        b.strings(1027, ["/bin/old", "/etc/old.conf"])
        b.region = false
        let h = try RPMHeader(blob: b.build())
        #expect(h.regionTag == nil)
        #expect(try h.filePaths() == ["/bin/old", "/etc/old.conf"])
    }

    @Test func truncatedBlobIsTruncated() {
        let blob = RPMHeaderBuilder.package().build()
        #expect(RPMTestSupport.error { try RPMHeader(blob: Array(blob.dropLast(5))) }?.kind == .truncated)
        #expect(RPMTestSupport.error { try RPMHeader(blob: Array(blob.prefix(6))) }?.kind == .truncated)
        #expect(RPMTestSupport.error { try RPMHeader(blob: blob + [0]) }?.kind == .corrupt)
    }

    @Test func indexCountThatOverflowsIsRefused() {
        var blob = RPMHeaderBuilder.package().build()
        blob.putBE32(0xFFFF_FFFF, at: 0)
        #expect(RPMTestSupport.error { try RPMHeader(blob: blob) }?.kind == .limitExceeded)
        blob.putBE32(0x10000, at: 0)
        #expect(RPMTestSupport.error { try RPMHeader(blob: blob) }?.kind == .limitExceeded)
        var data = RPMHeaderBuilder.package().build()
        data.putBE32(0xFFFF_FFF0, at: 4)
        #expect(RPMTestSupport.error { try RPMHeader(blob: data) }?.kind == .limitExceeded)
    }

    @Test func dataOffsetPastTheStoreIsCorrupt() {
        var blob = RPMHeaderBuilder.package().build()
        // Entry 1 (NAME) offset field: 8 + 16 + 8.
        blob.putBE32(0x7FFF_0000, at: 8 + 16 + 8)
        let e = RPMTestSupport.error { try RPMHeader(blob: blob) }
        #expect(e?.kind == .corrupt)
        #expect(e?.offset == 24)
        blob.putBE32(0xFFFF_FFF0, at: 8 + 16 + 8)  // negative
        #expect(RPMTestSupport.error { try RPMHeader(blob: blob) }?.kind == .corrupt)
    }

    @Test func stringArrayRunningPastTheStoreIsCorrupt() {
        var b = RPMHeaderBuilder()
        b.string(1000, "x")
        b.strings(1117, ["a", "b"])
        var blob = b.build()
        blob.putBE32(1_000, at: 8 + 32 + 12)  // BASENAMES count 1000 > strings present
        #expect(RPMTestSupport.error { try RPMHeader(blob: blob) }?.kind == .corrupt)
        var s = RPMHeaderBuilder()
        s.items.append(.init(tag: 1000, type: 6, count: 1, data: Array("no terminator".utf8)))
        s.region = false
        #expect(RPMTestSupport.error { try RPMHeader(blob: s.build()) }?.kind == .corrupt)
    }

    @Test func badRegionTrailerIsCorrupt() {
        let good = RPMHeaderBuilder.package().build()
        let storeStart = 8 + 16 * Int(UInt32(good[3]))
        let trailer = good.count - 16
        var wrongTag = good
        wrongTag.putBE32(62, at: trailer)
        #expect(RPMTestSupport.error { try RPMHeader(blob: wrongTag) }?.kind == .corrupt)
        var wrongSpan = good
        wrongSpan.putBE32(UInt32(bitPattern: -17), at: trailer + 8)
        #expect(RPMTestSupport.error { try RPMHeader(blob: wrongSpan) }?.kind == .corrupt)
        var tooMany = good
        tooMany.putBE32(UInt32(bitPattern: -16 * 1000), at: trailer + 8)
        #expect(RPMTestSupport.error { try RPMHeader(blob: tooMany) }?.kind == .corrupt)
        var outside = good
        outside.putBE32(UInt32(good.count - storeStart), at: 8 + 8)  // region offset: trailer past the store
        #expect(RPMTestSupport.error { try RPMHeader(blob: outside) }?.kind == .corrupt)
    }

    @Test func misalignedOverlappingOrUnknownEntriesAreRefused() {
        var b = RPMHeaderBuilder()
        b.string(1000, "abc")
        b.int32(1003, [1])
        b.region = false
        let good = b.build()
        var misaligned = good
        misaligned.putBE32(1, at: 8 + 16 + 8)  // INT32 at offset 1
        #expect(RPMTestSupport.error { try RPMHeader(blob: misaligned) }?.kind == .corrupt)
        var overlap = RPMHeaderBuilder()
        overlap.string(1000, "abcdefgh")
        overlap.string(1001, "x")
        overlap.region = false
        var o = overlap.build()
        o.putBE32(0, at: 8 + 16 + 8)  // VERSION data at 0, inside NAME's
        #expect(RPMTestSupport.error { try RPMHeader(blob: o) }?.kind == .corrupt)
        var unknown = good
        unknown.putBE32(42, at: 8 + 4)
        #expect(RPMTestSupport.error { try RPMHeader(blob: unknown) }?.kind == .unsupported)
        var zeroCount = good
        zeroCount.putBE32(0, at: 8 + 12)
        #expect(RPMTestSupport.error { try RPMHeader(blob: zeroCount) }?.kind == .corrupt)
    }

    @Test func wrongTypesAndBadFileIndexesAreCorrupt() throws {
        var b = RPMHeaderBuilder()
        b.int32(1000, [5])
        b.string(1001, "1")
        let h = try RPMHeader(blob: b.build())
        #expect(RPMTestSupport.error { try h.string(.name) }?.kind == .corrupt)
        #expect(RPMTestSupport.error { try InstalledPackage(rpmHeader: h) }?.kind == .corrupt)
        var f = RPMHeaderBuilder.package()
        let di = try #require(f.items.firstIndex { $0.tag == 1116 })
        f.items[di] = .init(tag: 1116, type: 4, count: 3, data: [UInt8].be32(0) + [UInt8].be32(9) + [UInt8].be32(1))
        let bad = try RPMHeader(blob: f.build())
        #expect(RPMTestSupport.error { try bad.filePaths() }?.kind == .corrupt)
        var short = RPMHeaderBuilder.package()
        short.items[di] = .init(tag: 1116, type: 4, count: 1, data: [UInt8].be32(0))
        #expect(RPMTestSupport.error { try RPMHeader(blob: short.build()).filePaths() }?.kind == .corrupt)
        var noName = RPMHeaderBuilder()
        noName.string(1001, "1")
        #expect(
            RPMTestSupport.error { try InstalledPackage(rpmHeader: RPMHeader(blob: noName.build())) }?.kind == .corrupt)
    }

    @Test func dribbleReplacesRegionEntry() throws {
        // An entry after the region with the same tag wins, as rpm's headerImport does.
        var b = RPMHeaderBuilder.package()
        b.string(1002, "2.el9")
        let h = try RPMHeader(blob: b.build())
        #expect(try h.string(.release) == "2.el9")
    }
}
