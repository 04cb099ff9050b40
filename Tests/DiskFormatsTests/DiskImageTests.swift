import BlockIO
import DiskFormats
import Foundation
import Testing

@Suite struct DiskImageTests {
    @Test func virtualDiskLargerThanInt64MaxIsRefusedWhereItBecomesADevice() throws {
        // The 100-byte file from issue 10 trapped in libblkid's `off_t(device.size)`.
        let text = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 36028797018963967 ZERO\n"
        let error = #expect(throws: ImageError.self) {
            _ = try DiskImage.open(
                MemoryDevice(Array(text.utf8)), path: "/nonexistent/huge.vmdk",
                context: OpenContext(directory: "/nonexistent"))
        }
        #expect(error?.layer == "vmdk")
        #expect(error?.kind == .limitExceeded)
        #expect(error?.detail.contains("exceeds the largest addressable size") == true)
        // One sector fewer than 2^63 bytes is still a device.
        let largest = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 18014398509481983 ZERO\n"
        let disk = try DiskImage.open(
            MemoryDevice(Array(largest.utf8)), path: "/nonexistent/large.vmdk",
            context: OpenContext(directory: "/nonexistent"))
        #expect(disk.virtualSize == 18_014_398_509_481_983 * 512)
    }

    @Test func unknownContentOpensAsRaw() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("raw-\(UUID()).img").path
        let bytes = (0..<8192).map { UInt8(truncatingIfNeeded: $0) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let disk = try DiskImage.open(path: path, context: OpenContext(directory: "/tmp"))
        #expect(disk.format == "raw")
        #expect(try disk.device.read(at: 100, count: 4) == [100, 101, 102, 103])
    }
}
