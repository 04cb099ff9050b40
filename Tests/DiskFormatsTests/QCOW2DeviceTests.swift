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
        let disk = try ReferenceComparison.open("qcow2-variants/\(name).qcow2")
        #expect(disk.format == "qcow2")
        try ReferenceComparison.expectSameBytes(disk.device, reference: try Fixtures.path("qcow2-variants/\(name).raw"))
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

    /// Bytes read from the image file for the first MiB and one random 4 KiB, on the 2 TiB grown
    /// image and on the original: growing the virtual size must not grow the reads.
    @Test func grownImageCostsNoMoreReadsThanTheOriginal() throws {
        var costs: [String: (UInt64, UInt64)] = [:]
        for name in ["v3", "grown"] {
            let counter = ReadCounter()
            let disk = try ReferenceComparison.open("qcow2-variants/\(name).qcow2", counter: counter)
            let opened = counter.bytes
            _ = try disk.device.read(at: 0, count: 1 << 20)
            let firstMiB = counter.bytes - opened
            let before = counter.bytes
            _ = try disk.device.read(at: 8_998_912, count: 4096)
            costs[name] = (firstMiB, counter.bytes - before)
            print("qcow2 \(name): open \(opened) bytes, first MiB \(firstMiB) bytes, random 4 KiB \(counter.bytes - before) bytes")
        }
        // At most one L1 page more: the grown image's L1 table is 32 KiB, the original's 8 bytes.
        let grown = try #require(costs["grown"])
        let original = try #require(costs["v3"])
        #expect(grown.0 <= original.0 + 4096)
        #expect(grown.1 == original.1)
    }
}
