import BlockIO
import Foundation
import Testing

@testable import DiskFormats

/// A disk image format we do not read is refused by name in layer `format`, not read as a raw
/// disk with "no recognised file system" (issue 10: qemu-img's VDI, QED and Parallels images).
@Suite struct UnsupportedFormatTests {
    /// A 64 KiB file whose first bytes (or, for a trailer, last 512 bytes) carry `magic` at `offset`.
    static func image(_ magic: String, at offset: Int = 0, inTail: Bool = false) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 64 << 10)
        let start = (inTail ? b.count - 512 : 0) + offset
        b.replaceSubrange(start..<start + magic.utf8.count, with: Array(magic.utf8))
        return b
    }

    static var vdi: [UInt8] {
        var b = image("<<< Oracle VM VirtualBox Disk Image >>>\n")
        b.replaceSubrange(0x40..<0x44, with: [0x7F, 0x10, 0xDA, 0xBE])
        return b
    }

    @Test(
        arguments: [
            (vdi, "VDI (VirtualBox)", 0x40),
            (image("QED\0"), "QED", 0),
            (image("WithoutFreeSpace"), "Parallels", 0),
            (image("WithouFreSpacExt"), "Parallels", 0),
            (image("Bochs Virtual HD Image"), "Bochs", 0),
            (image("#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0\n"), "cloop", 0),
            (image("koly", inTail: true), "DMG (Apple disk image)", (64 << 10) - 512),
        ] as [([UInt8], String, UInt64)])
    func formatIsRefusedByName(bytes: [UInt8], name: String, offset: UInt64) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.write("disk.img", bytes)
        let error = #expect(throws: ImageError.self) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(error?.layer == "format")
        #expect(error?.kind == .unsupported)
        #expect(error?.offset == offset)
        #expect(error?.detail.hasPrefix("\(name) image: imagegate does not read this format") == true)
    }

    @Test func shortAndZeroFilesStayRaw() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for bytes in [[], Array("QED".utf8), [UInt8](repeating: 0, count: 64 << 10)] {
            let path = folder.write("disk.img", bytes)
            #expect(try DiskImage.open(path: path, context: OpenContext(directory: folder.path)).format == "raw")
        }
    }
}
