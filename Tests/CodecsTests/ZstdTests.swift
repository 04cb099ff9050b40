import BlockIO
import CZstd
import Codecs
import Testing

@Suite struct ZstdTests {
    static let extent = OutputLimit.zeroFilled(upTo: 131072, named: "its ram_bytes", cutOff: .accepted)

    func decode(_ input: [UInt8], _ output: OutputLimit) throws -> [UInt8] {
        try Zstd.decode(input, output: output, what: "test data", layer: "test", offset: 512)
    }

    /// A frame made by libzstd's one-shot `ZSTD_compress` (it records the content size).
    static func libzstd(_ data: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let n = out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in
                // Safe: zstd writes at most dst.count bytes and reads src.count bytes.
                ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, level)
            }
        }
        try #require(ZSTD_isError(n) == 0)
        return Array(out.prefix(n))
    }

    @Test func cliFrameDecodesByteForByte() throws {
        let cluster = ReferenceTools.sample(65536, seed: 11)
        let frame = try ReferenceTools.zstd(cluster)
        #expect(frame.count < cluster.count / 2)
        #expect(try decode(frame, .exactly(65536, named: "the cluster size")) == cluster)
        let out = try decode(frame, Self.extent)
        #expect(Array(out.prefix(65536)) == cluster)
        #expect(out.dropFirst(65536).allSatisfy { $0 == 0 })
    }

    @Test func libzstdFrameFollowedBySectorPaddingDecodes() throws {
        let data = ReferenceTools.sample(100_000, seed: 12)
        let frame = try Self.libzstd(data, level: 19)
        // btrfs pads the extent to the sector size; qcow2's next cluster follows without a gap.
        let padded = frame + [UInt8](repeating: 0, count: 4096 - frame.count % 4096)
        #expect(Array(try decode(padded, Self.extent).prefix(100_000)) == data)
        #expect(try decode(frame + frame, .exactly(100_000, named: "n")) == data)
    }

    @Test func exactSizeRefusesShortAndLongFrames() throws {
        let frame = try ReferenceTools.zstd(ReferenceTools.sample(5000, seed: 13))
        expectCodecError(.corrupt, at: 512, containing: "ends after 5000 of 8192 bytes") {
            _ = try decode(frame, .exactly(8192, named: "the cluster size"))
        }
        expectCodecError(.corrupt, at: 512, containing: "test data inflates past the cluster size of 4096 bytes") {
            _ = try decode(frame, .exactly(4096, named: "the cluster size"))
        }
    }

    /// 10 MB of zeros in a few hundred bytes stops at the cap plus the spare byte.
    @Test func outputPastTheCapIsRefused() throws {
        let bomb = try ReferenceTools.zstd([UInt8](repeating: 0, count: 10_000_000), ["-3"])
        #expect(bomb.count < 2000)
        expectCodecError(.corrupt, at: 512, containing: "inflates past its ram_bytes of 131072 bytes") {
            _ = try decode(bomb, Self.extent)
        }
    }

    @Test func frameCutOffBeforeItsEnd() throws {
        let data = ReferenceTools.sample(200_000, seed: 14)
        let frame = try ReferenceTools.zstd(data)
        let half = Array(frame.prefix(frame.count / 2))
        let corruptRule = OutputLimit.zeroFilled(upTo: 200_000, named: "n", cutOff: .corrupt)
        expectCodecError(.corrupt, at: 512, containing: "cut off after") { _ = try decode(half, corruptRule) }
        expectCodecError(.corrupt, at: 512, containing: "ends after") {
            _ = try decode(half, .exactly(200_000, named: "n"))
        }
        let partial = try decode(half, .zeroFilled(upTo: 200_000, named: "n", cutOff: .accepted))
        #expect(partial.count == 200_000)
        let produced = partial.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        #expect(produced < 200_000)
        #expect(Array(partial.prefix(produced)) == Array(data.prefix(produced)))
        expectCodecError(.corrupt, at: 512, containing: "cut off after 0 bytes") { _ = try decode([], corruptRule) }
    }

    @Test func damagedFramesAreCorrupt() throws {
        var frame = try Self.libzstd(ReferenceTools.sample(50000, seed: 15))
        frame[0] ^= 0xFF
        expectCodecError(.corrupt, at: 512, containing: "zstd frame is damaged") { _ = try decode(frame, Self.extent) }
        var body = try Self.libzstd(ReferenceTools.sample(50000, seed: 16))
        for i in stride(from: 20, to: body.count, by: 7) { body[i] ^= 0x5A }
        expectCodecError(.corrupt, at: 512, containing: "damaged") { _ = try decode(body, Self.extent) }
    }

    /// A frame whose header asks for a 16 MiB window is refused before its memory is allocated
    /// (and so is the 8 MiB window of `zstd -19` on a stream: no qcow2 or btrfs writer makes one).
    @Test func windowOverTheBoundIsRefused() throws {
        #expect(Zstd.windowLogMax == 22)
        let frame = try ReferenceTools.zstd([UInt8](repeating: 0, count: 5_000_000), ["--zstd=wlog=24"])
        expectCodecError(.corrupt, at: 512, containing: "too much memory") { _ = try decode(frame, Self.extent) }
        let level19 = try ReferenceTools.zstd(ReferenceTools.sample(1000, seed: 18), ["-19"])
        expectCodecError(.corrupt, at: 512, containing: "too much memory") { _ = try decode(level19, Self.extent) }
        let small = try ReferenceTools.zstd(ReferenceTools.sample(100_000, seed: 17), ["--zstd=wlog=22"])
        #expect(Array(try decode(small, Self.extent).prefix(100_000)) == ReferenceTools.sample(100_000, seed: 17))
    }
}
