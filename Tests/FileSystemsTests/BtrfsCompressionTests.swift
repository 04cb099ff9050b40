import BlockIO
import Testing

@testable import FileSystems

/// btrfs's lzo framing with hand-built streams: lzo1x literal runs (`17 + n` or the `0`-extended
/// length form, the literals, then the end marker `11 00 00`) packed in btrfs segments.
@Suite struct BtrfsCompressionTests {
    /// An lzo1x stream that copies `data` (4 ... 4000 bytes) as one literal run.
    static func lzoLiterals(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8]
        if data.count <= 238 {
            out = [UInt8(17 + data.count)]
        } else {
            var t = data.count - 3 - 15
            out = [0]
            while t > 255 {
                out.append(0)
                t -= 255
            }
            out.append(UInt8(t))
        }
        return out + data + [0x11, 0x00, 0x00]
    }

    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    static func pattern(_ n: Int, seed: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + seed) } }

    @Test func segmentsAreConcatenated() throws {
        let a = Self.pattern(4096, seed: 1)
        let b = Self.pattern(100, seed: 2)
        let s1 = Self.lzoLiterals(a)
        let s2 = Self.lzoLiterals(b)
        var stream = Self.le32(0) + Self.le32(s1.count) + s1
        // Segment 2's header must not cross a page: pad when fewer than 4 bytes are left.
        if 4096 - stream.count % 4096 < 4 { stream += [UInt8](repeating: 0, count: 4096 - stream.count % 4096) }
        stream += Self.le32(s2.count) + s2
        stream.replaceSubrange(0..<4, with: Self.le32(stream.count))
        let out = try BtrfsCompression.decompress(BtrfsCompression.lzo, stream, ramBytes: 4196, at: 0)
        #expect(out == a + b)
    }

    @Test func segmentHeaderThatWouldStraddleAPageStartsOnTheNextPage() throws {
        let a = Self.pattern(4066, seed: 3)  // encodes to 4086 bytes: 4 + 4 + 4086 = 4094
        let b = Self.pattern(100, seed: 4)
        let s1 = Self.lzoLiterals(a)
        #expect(s1.count == 4086)
        let s2 = Self.lzoLiterals(b)
        var stream = Self.le32(0) + Self.le32(s1.count) + s1 + [0xEE, 0xEE]  // padding, not a header
        #expect(stream.count == 4096)
        stream += Self.le32(s2.count) + s2
        stream.replaceSubrange(0..<4, with: Self.le32(stream.count))
        let out = try BtrfsCompression.decompress(BtrfsCompression.lzo, stream, ramBytes: 4166, at: 0)
        #expect(out == a + b)
    }

    @Test func shortOutputIsZeroFilledToRamBytes() throws {
        let a = Self.pattern(50, seed: 5)
        let s = Self.lzoLiterals(a)
        let stream = Self.le32(8 + s.count) + Self.le32(s.count) + s
        #expect(
            try BtrfsCompression.decompress(BtrfsCompression.lzo, stream, ramBytes: 80, at: 0) == a
                + [UInt8](repeating: 0, count: 30))
    }

    func expectCorrupt(_ stream: [UInt8], ramBytes: Int, _ text: String) {
        do {
            _ = try BtrfsCompression.decompress(BtrfsCompression.lzo, stream, ramBytes: ramBytes, at: 1000)
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.kind == .corrupt, "\(e)")
            #expect(e.layer == "btrfs")
            #expect(e.offset != nil)
            #expect(e.detail.contains(text), "\(e)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func outputPastRamBytesIsCorrupt() {
        let s = Self.lzoLiterals(Self.pattern(200, seed: 6))
        expectCorrupt(Self.le32(8 + s.count) + Self.le32(s.count) + s, ramBytes: 100, "inflates past its ram_bytes")
    }

    @Test func totalLengthPastTheExtentIsCorrupt() {
        let s = Self.lzoLiterals(Self.pattern(20, seed: 7))
        expectCorrupt(Self.le32(9999) + Self.le32(s.count) + s, ramBytes: 100, "total length")
    }

    @Test func segmentLongerThanTheWorstCaseIsCorrupt() {
        expectCorrupt(Self.le32(12) + Self.le32(0x7FFF_FFFF) + [1, 2, 3, 4], ramBytes: 100, "lzo segment of")
    }

    @Test func damagedSegmentIsCorrupt() {
        let s: [UInt8] = [0x11, 0x00, 0x01]  // a match before any output
        expectCorrupt(Self.le32(8 + s.count) + Self.le32(s.count) + s, ramBytes: 100, "damaged")
    }

    /// A zstd frame that asks for a 16 MiB window (window descriptor 0x70) is refused before the
    /// window is allocated, as for qcow2; the kernel writes btrfs frames with at most 128 KiB.
    @Test func zstdWindowOver4MiBIsCorrupt() throws {
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x70, 0x09, 0x00, 0x00, 0x41]  // one raw byte "A"
        do {
            _ = try BtrfsCompression.decompress(BtrfsCompression.zstd, frame, ramBytes: 4096, at: 1000)
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.kind == .corrupt, "\(e)")
            #expect(e.layer == "btrfs")
            #expect(e.offset == 1000)
            #expect(e.detail.contains("zstd extent"), "\(e)")
        } catch {
            Issue.record("\(error)")
        }
        var small = frame
        small[5] = 0x60  // a 4 MiB window: within the bound
        #expect(try BtrfsCompression.decompress(BtrfsCompression.zstd, small, ramBytes: 2, at: 1000) == [0x41, 0])
    }

    /// The name hash of DIR_ITEM keys: crc32c with seed ~1 and no final inversion (values from
    /// `btrfs inspect-internal dump-tree` of the fixture: "default" in the root tree's dir 6).
    @Test func crc32cAndNameHash() {
        #expect(BtrfsCRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(BtrfsCRC32C.nameHash(Array("default".utf8)) == 2_378_154_706)
    }
}
