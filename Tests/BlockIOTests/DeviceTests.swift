import BlockIO
import Foundation
import Testing

@Suite struct DeviceTests {
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    @Test func sliceReadsItsWindowAndRefusesPastEnd() throws {
        let s = try SliceDevice(MemoryDevice(bytes), start: 1000, size: 500)
        #expect(try s.read(at: 10, count: 4) == Array(bytes[1010..<1014]))
        #expect(throws: ImageError.self) { try s.read(at: 498, count: 4) }
        #expect(throws: ImageError.self) { try SliceDevice(MemoryDevice(bytes), start: 9990, size: 20) }
    }

    @Test func concatCrossesPartBoundaries() throws {
        let c = try ConcatDevice([
            MemoryDevice(Array(bytes[0..<3000])), ZeroDevice(size: 100), MemoryDevice(Array(bytes[3000...])),
        ])
        #expect(c.size == 10_100)
        #expect(try c.read(at: 2998, count: 4) == [bytes[2998], bytes[2999], 0, 0])
        #expect(try c.read(at: 3099, count: 3) == [0, bytes[3000], bytes[3001]])
    }

    @Test func cacheReturnsTheSameBytesAndCountsOnce() throws {
        let counter = ReadCounter()
        let cached = CachedDevice(CountingDevice(MemoryDevice(bytes), counter: counter), blockSize: 1024, capacity: 2)
        #expect(try cached.read(at: 1000, count: 100) == Array(bytes[1000..<1100]))
        #expect(try cached.read(at: 1010, count: 10) == Array(bytes[1010..<1020]))
        #expect(counter.reads == 1, "blocks 0 and 1 in one read")
        #expect(counter.bytes == 2048)
        #expect(try cached.read(at: 9990, count: 10) == Array(bytes[9990...]))
    }

    /// A long miss is one read of the whole run below (a file read through a qcow2 cache is one
    /// request to a remote image, not one per 4 KiB block), and a hit in the middle splits it.
    @Test func cacheReadsARunOfMissingBlocksInOneRead() throws {
        let counter = ReadCounter()
        let cached = CachedDevice(CountingDevice(MemoryDevice(bytes), counter: counter), blockSize: 1024, capacity: 16)
        #expect(try cached.read(at: 4100, count: 10) == Array(bytes[4100..<4110]))
        #expect(counter.reads == 1)
        #expect(try cached.read(at: 500, count: 8000) == Array(bytes[500..<8500]))
        #expect(counter.reads == 3, "blocks 0–3 and 5–8 in one read each, block 4 from the cache")
        #expect(counter.bytes == 9 * 1024)
        #expect(try cached.read(at: 0, count: 9216) == Array(bytes[0..<9216]))
        #expect(counter.reads == 3)
    }

    @Test func fileDeviceRefusesFIFOsAndCharacterDevicesButNotRegularFiles() throws {
        let dir = NSTemporaryDirectory() + "imagegate-fifo-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/disk.raw", 0o600) == 0)
        let fifo = #expect(throws: ImageError.self) { _ = try FileDevice(path: dir + "/disk.raw") }
        #expect(fifo?.layer == "file")
        #expect(fifo?.kind == .unsupported)
        #expect(fifo?.detail.contains("is a FIFO") == true)
        let null = #expect(throws: ImageError.self) { _ = try FileDevice(path: "/dev/null") }
        #expect(null?.detail.contains("is a character device") == true)
        #expect(FileManager.default.createFile(atPath: dir + "/plain", contents: Data([1, 2, 3])))
        let plain = try FileDevice(path: dir + "/plain")
        #expect(try plain.read(at: 0, count: 3) == [1, 2, 3])
    }

    @Test func paddedReadsGiveTheDeviceBytesThenZeros() throws {
        let device: any BlockDevice = MemoryDevice([1, 2, 3, 4])
        func padded(_ parent: (any BlockDevice)?, at offset: UInt64, count: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0xEE, count: count)
            try out.withUnsafeMutableBytes { try parent.readPadded(into: $0, at: offset) }
            return out
        }
        #expect(try padded(device, at: 1, count: 2) == [2, 3])
        #expect(try padded(device, at: 2, count: 5) == [3, 4, 0, 0, 0])
        #expect(try padded(device, at: 4, count: 3) == [0, 0, 0])
        #expect(try padded(device, at: .max, count: 2) == [0, 0])
        #expect(try padded(nil, at: 0, count: 3) == [0, 0, 0])
    }

    @Test func chunkedReadsSplitAtChunkBoundaries() throws {
        var pieces: [(UInt64, UInt64, Int)] = []
        var bytes = [UInt8](repeating: 0, count: 10)
        try bytes.withUnsafeMutableBytes { buffer in
            try buffer.forEachChunk(at: 6, chunkBytes: 4, layer: "t") { chunk, within, piece in
                pieces.append((chunk, within, piece.count))
                piece.initializeMemory(as: UInt8.self, repeating: UInt8(chunk))
            }
        }
        #expect(pieces.map(\.0) == [1, 2, 3])
        #expect(pieces.map(\.1) == [2, 0, 0])
        #expect(pieces.map(\.2) == [2, 4, 4])
        #expect(bytes == [1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
        let zero = #expect(throws: ImageError.self) {
            try bytes.withUnsafeMutableBytes { try $0.forEachChunk(at: 0, chunkBytes: 0, layer: "vhd") { _, _, _ in } }
        }
        #expect(zero?.layer == "vhd")
    }

    @Test func fileDeviceRefusesMissingFiles() {
        do {
            _ = try FileDevice(path: "/nonexistent/imagegate")
            Issue.record("expected an error")
        } catch let error as ImageError {
            #expect(error.kind == .notFound)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
