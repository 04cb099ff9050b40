import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

/// Exact corruptions of the real VHD fixtures: each asserts the error kind, the layer and the
/// offset the error names.
@Suite struct VHDCorruptionTests {
    static let dynamicHeader = 512
    static let context = OpenContext(directory: "/nonexistent")

    func expectError(
        _ kind: ImageError.Kind, at offset: UInt64? = nil, _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ImageError? {
        var caught: ImageError?
        do { try body() } catch let e as ImageError { caught = e } catch { Issue.record("unexpected \(error)") }
        #expect(caught?.kind == kind, "\(String(describing: caught))", sourceLocation: sourceLocation)
        #expect(caught?.layer == "vhd", sourceLocation: sourceLocation)
        #expect(caught?.offset != nil, sourceLocation: sourceLocation)
        if let offset { #expect(caught?.offset == offset, sourceLocation: sourceLocation) }
        return caught
    }

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("vhd-variants/\(name)"))))
    }

    static func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { b[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }

    /// Recomputes the checksum of the structure at `start` (`length` bytes, checksum at `field`).
    static func fixChecksum(_ b: inout [UInt8], start: Int, length: Int, field: Int) {
        var sum: UInt32 = 0
        for i in start..<start + length where i < start + field || i >= start + field + 4 { sum &+= UInt32(b[i]) }
        b.replaceSubrange(start + field..<start + field + 4, with: be32(~sum))
    }

    func open(_ bytes: [UInt8]) throws -> OpenedDisk {
        try VHDFormat.open(MemoryDevice(bytes), path: "/nonexistent/x.vhd", context: Self.context)
    }

    @Test func fixedFooterChecksumMismatchIsRefused() throws {
        let file = try FileDevice(path: try Fixtures.path("vhd-variants/fixed-force.vhd"))
        var footer = try file.read(at: file.size - 512, count: 512)
        footer[0x30] ^= 1  // current size changed, checksum not
        let device = try ConcatDevice([
            try SliceDevice(file, start: 0, size: file.size - 512), MemoryDevice(footer),
        ])
        _ = expectError(.corrupt, at: file.size - 512 + 0x40) {
            _ = try VHDFormat.open(device, path: "/x/fixed.vhd", context: Self.context)
        }
    }

    @Test func damagedEndFooterFallsBackToTheCopyAtOffsetZero() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes[bytes.count - 512 + 0x40] ^= 0xFF
        let disk = try open(bytes)
        #expect(disk.format == "vhd-dynamic")
        #expect(disk.notes.count == 1)
        #expect(disk.notes.first?.contains("copy at offset 0") == true)
    }

    @Test func bothFootersDamagedIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes[bytes.count - 512 + 0x40] ^= 0xFF
        bytes[0x40] ^= 0xFF
        _ = expectError(.corrupt, at: UInt64(bytes.count - 512 + 0x40)) { _ = try open(bytes) }
    }

    @Test func truncatedFileIsRefused() throws {
        let bytes = Array(try fixture("dynamic.vhd").prefix(300))
        _ = expectError(.truncated, at: 0) { _ = try open(bytes) }
    }

    @Test func dynamicHeaderChecksumMismatchIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes[Self.dynamicHeader + 0x20] ^= 0x01
        _ = expectError(.corrupt, at: UInt64(Self.dynamicHeader + 0x24)) { _ = try open(bytes) }
    }

    @Test func dynamicHeaderBadMagicIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes[Self.dynamicHeader] = UInt8(ascii: "X")
        _ = expectError(.badMagic, at: UInt64(Self.dynamicHeader)) { _ = try open(bytes) }
    }

    @Test func hugeMaxTableEntriesIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes.replaceSubrange(Self.dynamicHeader + 0x1C..<Self.dynamicHeader + 0x20, with: Self.be32(0xFFFF_FFFF))
        Self.fixChecksum(&bytes, start: Self.dynamicHeader, length: 1024, field: 0x24)
        _ = expectError(.limitExceeded, at: UInt64(Self.dynamicHeader + 0x1C)) { _ = try open(bytes) }
    }

    @Test func batPastTheEndIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        bytes.replaceSubrange(Self.dynamicHeader + 0x1C..<Self.dynamicHeader + 0x20, with: Self.be32(1 << 23))
        Self.fixChecksum(&bytes, start: Self.dynamicHeader, length: 1024, field: 0x24)
        _ = expectError(.corrupt, at: UInt64(Self.dynamicHeader + 0x10)) { _ = try open(bytes) }
    }

    @Test func batEntryPastTheEndIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        let bat = Int(Self.u32(bytes, Self.dynamicHeader + 0x14))  // low half of the BAT offset
        bytes.replaceSubrange(bat..<bat + 4, with: Self.be32(0x00FF_FFFF))
        let disk = try open(bytes)
        _ = expectError(.corrupt, at: UInt64(bat)) { _ = try disk.device.read(at: 0, count: 512) }
    }

    /// The specification's rule (qemu ignores bitmaps of dynamic disks it did not write itself):
    /// a sector whose bitmap bit is clear reads as zeros even if the block holds data for it.
    @Test func clearedBitmapBitReadsAsZeros() throws {
        var bytes = try fixture("dynamic.vhd")
        let bat = Int(Self.u32(bytes, Self.dynamicHeader + 0x14))
        let block = Int(Self.u32(bytes, bat)) * 512
        let before = try open(bytes).device.read(at: 0, count: 8192)
        #expect(before[1024..<2048].contains { $0 != 0 })  // the ext4 superblock
        bytes[block] = 0x0F  // sectors 0-3 of block 0 absent, 4-7 present
        let after = try open(bytes).device.read(at: 0, count: 8192)
        #expect(after[0..<2048].allSatisfy { $0 == 0 })
        #expect(after[2048..<8192] == before[2048..<8192])
    }

    @Test func unknownDiskTypeIsRefused() throws {
        var bytes = try fixture("dynamic.vhd")
        let footer = bytes.count - 512
        bytes.replaceSubrange(footer + 0x3C..<footer + 0x40, with: Self.be32(7))
        Self.fixChecksum(&bytes, start: footer, length: 512, field: 0x40)
        bytes.replaceSubrange(0..<512, with: bytes[footer..<footer + 512])
        _ = expectError(.unsupported, at: UInt64(footer + 0x3C)) { _ = try open(bytes) }
    }

    /// Copies the differencing fixtures named into a fresh folder, patching the child's bytes.
    func differencing(
        child: String = "child.vhd", with files: [String], patch: (inout [UInt8]) -> Void
    ) throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder()
        for f in files { folder.write(f, try fixture(f)) }
        var bytes = try fixture(child)
        patch(&bytes)
        return (folder, folder.write(child, bytes))
    }

    @Test func parentWithAnotherUniqueIDIsRefused() throws {
        let (folder, path) = try differencing(with: ["parent.vhd"]) { bytes in
            bytes[Self.dynamicHeader + 0x28] ^= 0xFF
            Self.fixChecksum(&bytes, start: Self.dynamicHeader, length: 1024, field: 0x24)
        }
        defer { folder.remove() }
        let e = expectError(.corrupt, at: UInt64(Self.dynamicHeader + 0x28)) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(e?.detail.contains("unique id") == true)
    }

    @Test func missingParentIsNamed() throws {
        let (folder, path) = try differencing(with: []) { _ in }
        defer { folder.remove() }
        let e = expectError(.notFound) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(e?.detail.contains("parent.vhd") == true)
    }

    @Test func parentLocatorNamingItselfIsALoop() throws {
        let (folder, path) = try differencing(with: ["parent.vhd"]) { bytes in
            // Rewrite every locator (and the header's name) to "child.vhd".
            for i in 0..<8 {
                let entry = Self.dynamicHeader + 0x240 + 24 * i
                guard Self.u32(bytes, entry) != 0 else { continue }
                let offset = Int(Self.u32(bytes, entry + 20))
                let name: [UInt8] = Array("child.vhd".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
                bytes.replaceSubrange(entry + 8..<entry + 12, with: Self.be32(UInt32(name.count)))
                bytes.replaceSubrange(offset..<offset + name.count, with: name)
            }
            let unicode: [UInt8] = Array("child.vhd".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + [0, 0]
            bytes.replaceSubrange(Self.dynamicHeader + 0x40..<Self.dynamicHeader + 0x40 + unicode.count, with: unicode)
            Self.fixChecksum(&bytes, start: Self.dynamicHeader, length: 1024, field: 0x24)
        }
        defer { folder.remove() }
        _ = expectError(.loop) { _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path)) }
    }

    @Test func parentOutsideTheFolderIsRefused() throws {
        let (folder, path) = try differencing(with: []) { bytes in
            for i in 0..<8 {
                let entry = Self.dynamicHeader + 0x240 + 24 * i
                guard Self.u32(bytes, entry) != 0 else { continue }
                let offset = Int(Self.u32(bytes, entry + 20))
                let name: [UInt8] = Array("..\\..\\..\\etc\\passwd".utf16).flatMap {
                    [UInt8($0 & 0xFF), UInt8($0 >> 8)]
                }
                bytes.replaceSubrange(entry + 8..<entry + 12, with: Self.be32(UInt32(name.count)))
                bytes.replaceSubrange(offset..<offset + name.count, with: name)
            }
            bytes.replaceSubrange(
                Self.dynamicHeader + 0x40..<Self.dynamicHeader + 0x240, with: [UInt8](repeating: 0, count: 512))
            Self.fixChecksum(&bytes, start: Self.dynamicHeader, length: 1024, field: 0x24)
        }
        defer { folder.remove() }
        // The relative locator is refused; the file name "passwd" is then looked for beside the image.
        let e = expectError(.unsupported) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(e?.detail.contains("refusing") == true)
        expectExternalFileHint(e)
    }
}
