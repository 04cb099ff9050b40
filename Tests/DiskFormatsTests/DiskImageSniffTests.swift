import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

/// Formats are recognised by content, in the order of `DiskImage.formats`, never by name.
@Suite struct DiskImageSniffTests {
    func format(of bytes: [UInt8]) throws -> String {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.write("image.qcow2", bytes)
        return try DiskImage.open(path: path, context: OpenContext(directory: folder.path)).format
    }

    @Test func emptyAndTinyFilesAreRaw() throws {
        #expect(try format(of: []) == "raw")
        #expect(try format(of: [0x51, 0x46, 0x49]) == "raw")
    }

    @Test func aVHDNamedQCOW2IsAVHD() throws {
        let file = try FileDevice(path: try Fixtures.path("vhd-variants/dynamic.vhd"))
        #expect(try format(of: try file.read(at: 0, count: Int(file.size))) == "vhd-dynamic")
    }

    @Test func aFixedVHDIsRecognisedByItsFooterAlone() throws {
        let file = try FileDevice(path: try Fixtures.path("vhd-variants/fixed-force.vhd"))
        let footer = try file.read(at: file.size - 512, count: 512)
        var bytes = [UInt8](repeating: 0, count: 48 << 20)
        bytes += footer
        #expect(try format(of: bytes) == "vhd-fixed")
    }

    @Test func magicAtTheStartWinsOverAFooterAtTheEnd() throws {
        var b = QCOW2Builder()
        b.size = 64 << 10
        let file = try FileDevice(path: try Fixtures.path("vhd-variants/fixed-force.vhd"))
        let bytes = b.build() + (try file.read(at: file.size - 512, count: 512))
        #expect(try format(of: bytes) == "qcow2")
    }
}
