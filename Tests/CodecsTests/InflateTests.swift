import BlockIO
import Codecs
import Testing

@Suite struct InflateTests {
    static let grain = OutputLimit.zeroFilled(upTo: 65536, named: "the grain size", cutOff: .corrupt)
    static let extent = OutputLimit.zeroFilled(upTo: 65536, named: "its ram_bytes", cutOff: .accepted)

    func decode(_ input: [UInt8], _ wrapper: Inflate.Wrapper, _ output: OutputLimit) throws -> [UInt8] {
        try Inflate.decode(input, wrapper: wrapper, output: output, what: "test data", layer: "test", offset: 4096)
    }

    @Test func zlibStreamFromPythonDecodesByteForByteAndIsZeroFilled() throws {
        let data = ReferenceTools.sample(40000)
        let stream = try ReferenceTools.zlib(data)
        #expect(stream.count < data.count / 2)
        let out = try decode(stream, .zlib, Self.grain)
        #expect(out.count == 65536)
        #expect(Array(out.prefix(40000)) == data)
        #expect(out.dropFirst(40000).allSatisfy { $0 == 0 })
        #expect(try decode(stream, .zlib, .exactly(40000, named: "n")) == data)
    }

    @Test func rawDeflateWithA4KiBWindowAsQemuWritesIt() throws {
        let cluster = ReferenceTools.sample(65536, seed: 7)
        let stream = try ReferenceTools.rawDeflate4K(cluster)
        #expect(try decode(stream, .raw(windowBits: 12), .exactly(65536, named: "the cluster size")) == cluster)
        // qcow2 hands over whole sectors: what follows the stream is the next cluster's data.
        let padded = stream + [UInt8](repeating: 0xA5, count: 511)
        #expect(try decode(padded, .raw(windowBits: 12), .exactly(65536, named: "the cluster size")) == cluster)
    }

    @Test func exactSizeRefusesShortAndLongStreams() throws {
        let stream = try ReferenceTools.rawDeflate4K(ReferenceTools.sample(4097))
        expectCodecError(.corrupt, at: 4096, containing: "ends after 4097 of 8192 bytes") {
            _ = try decode(stream, .raw(windowBits: 12), .exactly(8192, named: "the cluster size"))
        }
        expectCodecError(.corrupt, at: 4096, containing: "test data inflates past the cluster size of 4096 bytes") {
            _ = try decode(stream, .raw(windowBits: 12), .exactly(4096, named: "the cluster size"))
        }
    }

    /// A zip bomb (10 MB of zeros in ~10 KB) stops at the cap plus the one spare byte.
    @Test func outputPastTheCapIsTheCallersKind() throws {
        let bomb = try ReferenceTools.zlib([UInt8](repeating: 0, count: 10_000_000))
        #expect(bomb.count < 20000)
        let capped = OutputLimit.zeroFilled(
            upTo: 65536, named: "the grain size", cutOff: .corrupt, overflow: .limitExceeded)
        expectCodecError(.limitExceeded, at: 4096, containing: "inflates past the grain size of 65536 bytes") {
            _ = try decode(bomb, .zlib, capped)
        }
        expectCodecError(.corrupt, at: 4096, containing: "inflates past its ram_bytes") {
            _ = try decode(bomb, .zlib, Self.extent)
        }
    }

    @Test func streamCutOffBeforeItsEnd() throws {
        let data = ReferenceTools.sample(30000, seed: 3)
        let stream = try ReferenceTools.zlib(data)
        // Without its Adler-32: every byte is out, the end is not.
        let noChecksum = Array(stream.dropLast(4))
        expectCodecError(.corrupt, at: 4096, containing: "cut off after 30000 bytes") {
            _ = try decode(noChecksum, .zlib, Self.grain)
        }
        #expect(Array(try decode(noChecksum, .zlib, Self.extent).prefix(30000)) == data)
        // Cut in the middle: the accepted rule keeps what came out and zero-fills the rest.
        let half = Array(stream.prefix(stream.count / 2))
        expectCodecError(.corrupt, at: 4096, containing: "cut off") { _ = try decode(half, .zlib, Self.grain) }
        let partial = try decode(half, .zlib, Self.extent)
        let produced = partial.prefix(30000).lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        #expect(produced > 0 && produced < 30000)
        #expect(Array(partial.prefix(produced)) == Array(data.prefix(produced)))
        #expect(partial.dropFirst(produced).allSatisfy { $0 == 0 })
        expectCodecError(.corrupt, at: 4096, containing: "ends after") {
            _ = try decode(half, .zlib, .exactly(30000, named: "n"))
        }
        expectCodecError(.corrupt, at: 4096, containing: "cut off after 0 bytes") {
            _ = try decode([], .zlib, Self.grain)
        }
    }

    /// qemu's rule: a full cluster is enough, the end-of-stream block need not follow.
    @Test func exactSizeAcceptsAFullClusterWithoutTheEndOfStream() throws {
        let payload = ReferenceTools.sample(4096, seed: 5)
        let notFinal: [UInt8] = [0x00, 0x00, 0x10, 0xFF, 0xEF] + payload  // stored block, BFINAL = 0
        #expect(try decode(notFinal, .raw(windowBits: 12), .exactly(4096, named: "the cluster size")) == payload)
        expectCodecError(.corrupt, at: 4096, containing: "cut off after 4096 bytes") {
            _ = try decode(notFinal, .raw(windowBits: 12), Self.grain)
        }
    }

    @Test func damagedStreamsAreCorrupt() throws {
        expectCodecError(.corrupt, at: 4096, containing: "deflate data is damaged") {
            _ = try decode([0x78, 0x01, 0xFF, 0xFF, 0xFF], .zlib, Self.grain)
        }
        var stream = try ReferenceTools.zlib(ReferenceTools.sample(5000))
        stream[stream.count - 1] ^= 0x01
        expectCodecError(.corrupt, at: 4096, containing: "incorrect data check") {
            _ = try decode(stream, .zlib, Self.extent)
        }
        // A zlib header is not raw deflate, and raw deflate has no zlib header.
        let raw = try ReferenceTools.rawDeflate4K(ReferenceTools.sample(5000))
        expectCodecError(.corrupt, at: 4096, containing: "damaged") { _ = try decode(raw, .zlib, Self.extent) }
    }

    @Test func sizesOutOfRangeAreRefusedBeforeAnyAllocation() {
        expectCodecError(.limitExceeded, at: 4096, containing: "out of range") {
            _ = try decode([0x03, 0x00], .raw(windowBits: 12), .exactly(-1, named: "n"))
        }
        expectCodecError(.limitExceeded, at: 4096, containing: "out of range") {
            _ = try decode([0x03, 0x00], .raw(windowBits: 12), .exactly(Int.max, named: "n"))
        }
        expectCodecError(.unsupported, at: 4096, containing: "window") {
            _ = try decode([0x03, 0x00], .raw(windowBits: 16), .exactly(1, named: "n"))
        }
    }
}
