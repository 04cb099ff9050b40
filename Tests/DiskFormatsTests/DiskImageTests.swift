import BlockIO
import DiskFormats
import Foundation
import Testing

@Suite struct DiskImageTests {
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
