import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

@Suite struct QCOW2DeviceTests {
    static let variants = [
        "v3", "v2", "c512", "c2m", "deflate", "zstd", "extl2", "extl2-overlay", "base", "mid", "top", "raw-overlay",
    ]

    @Test(arguments: variants)
    func wholeDiskMatchesQemuImgConvert(_ name: String) throws {
        let counter = ReadCounter()
        let disk = try ReferenceComparison.open("qcow2-variants/\(name).qcow2", counter: counter)
        #expect(disk.format == "qcow2")
        try ReferenceComparison.expectSameBytes(disk.device, reference: try Fixtures.path("qcow2-variants/\(name).raw"))
        // Each table page and cluster is read about once: the whole disk costs about its files.
        let files = try disk.files.reduce(UInt64(0)) { $0 + (try FileDevice(path: $1).size) }
        print("qcow2 \(name): whole disk read \(counter.bytes) B from \(files) B of image files")
        #expect(counter.bytes <= files + files / 10 + (256 << 10))
    }

    @Test func backingChainListsEveryFile() throws {
        let disk = try ReferenceComparison.open("qcow2-variants/top.qcow2")
        #expect(disk.files.map { ($0 as NSString).lastPathComponent } == ["top.qcow2", "mid.qcow2", "base.qcow2"])
        #expect(disk.notes.isEmpty)
    }

    @Test func rawBackingFileIsNotSniffed() throws {
        let disk = try ReferenceComparison.open("qcow2-variants/raw-overlay.qcow2")
        #expect(disk.files.map { ($0 as NSString).lastPathComponent } == ["raw-overlay.qcow2", "source.raw"])
    }

    @Test func formatIsDetectedByContentNotName() throws {
        let disk = try ReferenceComparison.open("qcow2-variants/qcow2-as.vhd")
        #expect(disk.format == "qcow2")
        try ReferenceComparison.expectSameBytes(disk.device, reference: try Fixtures.path("qcow2-variants/v3.raw"))
    }

    @Test func grownImageReadsItsDataAndZerosBeyond() throws {
        let disk = try ReferenceComparison.open("qcow2-variants/grown.qcow2")
        #expect(disk.virtualSize == 2 << 40)
        let reference = try FileDevice(path: try Fixtures.path("qcow2-variants/v3.raw"))
        let head = try disk.device.read(at: 0, count: Int(reference.size))
        #expect(head == (try reference.read(at: 0, count: Int(reference.size))))
        for offset in [reference.size, 1 << 40, (2 << 40) - (1 << 20)] as [UInt64] {
            #expect(try disk.device.read(at: offset, count: 1 << 20).allSatisfy { $0 == 0 })
        }
    }

    /// Bytes read from the image file to open it, for the first MiB, and for one 4 KiB read at a
    /// fixed pseudo-random allocated offset on a fresh open, on the 2 TiB grown image and on the
    /// original: growing the virtual size must not grow the reads (beyond one 4 KiB L1 page).
    @Test func grownImageCostsNoMoreReadsThanTheOriginal() throws {
        var costs: [String: (firstMiB: UInt64, random: UInt64)] = [:]
        for name in ["v3", "grown"] {
            let counter = ReadCounter()
            let disk = try ReferenceComparison.open("qcow2-variants/\(name).qcow2", counter: counter)
            let opened = counter.bytes
            _ = try disk.device.read(at: 0, count: 1 << 20)
            let firstMiB = counter.bytes - opened
            let cold = ReadCounter()
            let fresh = try ReferenceComparison.open("qcow2-variants/\(name).qcow2", counter: cold)
            let before = cold.bytes
            let random = try fresh.device.read(at: 8_998_912, count: 4096)
            #expect(random.contains { $0 != 0 })
            costs[name] = (firstMiB, cold.bytes - before)
            print("qcow2 \(name): open \(opened) B, first MiB \(firstMiB) B, random 4 KiB \(cold.bytes - before) B")
        }
        let grown = try #require(costs["grown"])
        let original = try #require(costs["v3"])
        #expect(grown.firstMiB <= original.firstMiB + 4096)
        #expect(grown.random <= original.random + 4096)
    }
}
