import BlockIO
import Foundation
import TestSupport
import Testing

@testable import DiskFormats

@Suite struct VHDXDeviceTests {
    @Test(arguments: ["dynamic", "fixed", "block1m", "big"])
    func wholeDiskEqualsQemuRaw(_ name: String) throws {
        let (disk, context) = try ReferenceDisk.openFixture("vhdx-disk/\(name).vhdx")
        #expect(disk.format == "vhdx")
        #expect(disk.notes.isEmpty)
        try ReferenceDisk.assertSame(disk.device, reference: try Fixtures.path("vhdx-disk/\(name).raw"))
        ReferenceDisk.expectBoundedReads(disk, context)
        print("vhdx \(name): whole-disk read of \(disk.virtualSize) bytes read \(context.counter.bytes) bytes of image")
    }

    @Test func scatteredReadsOfABigDiskCostLittle() throws {
        let (disk, context) = try ReferenceDisk.openFixture("vhdx-disk/big.vhdx")
        let opened = context.counter.bytes
        for offset: UInt64 in [0, 4095 << 20, 4096 << 20, 5119 << 20, 2 << 30] {
            _ = try disk.device.read(at: offset, count: 64 << 10)
        }
        print("vhdx big: open read \(opened) bytes, five 64 KiB reads \(context.counter.bytes - opened) more")
        #expect(context.counter.bytes < 2 << 20)
    }

    @Test func crc32cMatchesTheKnownCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func qemuCannotMakeDifferencingVHDX() throws {
        let text = try String(contentsOfFile: try Fixtures.path("vhdx-disk/qemu-differencing.txt"), encoding: .utf8)
        #expect(text.contains("Backing file not supported"))
    }

    /// A child built byte by byte over the qemu-made parent: every payload block state.
    @Test func differencingChildReadsEveryBlockState() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let parentPath = dir + "/parent.vhdx"
        try FileManager.default.copyItem(atPath: try Fixtures.path("vhdx-disk/parent.vhdx"), toPath: parentPath)
        let parentHeader = try VHDXFormat.currentHeader(try FileDevice(path: parentPath))
        var b = VHDXBuilder()
        b.hasParent = true
        b.parentLocator = [
            ("parent_linkage", "{\(parentHeader.dataWriteGUID)}"),
            ("relative_path", ".\\parent.vhdx"),
            ("absolute_win32_path", "C:\\images\\parent.vhdx"),
        ]
        b.batEntries[VHDXBuilder.payloadIndex(0)] = VHDXBuilder.entry(state: 6, mib: 3)  // fully present
        b.batEntries[VHDXBuilder.payloadIndex(1)] = VHDXBuilder.entry(state: 7, mib: 4)  // partially present
        b.batEntries[VHDXBuilder.payloadIndex(2)] = VHDXBuilder.entry(state: 2, mib: 0)  // zero
        b.batEntries[VHDXBuilder.payloadIndex(3)] = VHDXBuilder.entry(state: 3, mib: 0)  // unmapped
        b.batEntries[VHDXBuilder.payloadIndex(4)] = VHDXBuilder.entry(state: 1, mib: 0)  // undefined → parent
        b.batEntries[VHDXBuilder.bitmapIndex0] = VHDXBuilder.entry(state: 6, mib: 5)
        b.data.append((3 << 20, [UInt8](repeating: 0xC1, count: 1 << 20)))
        b.data.append((4 << 20, [UInt8](repeating: 0xC2, count: 1 << 20)))
        // Sector bitmap: block 1 covers sectors 2048..4095 of chunk 0; mark every third sector.
        var bitmap = [UInt8](repeating: 0, count: 512)
        for s in stride(from: 2048, to: 4096, by: 3) { bitmap[s / 8] |= 1 << UInt8(s % 8) }
        b.data.append(((5 << 20), bitmap))
        let childPath = dir + "/child.vhdx"
        ReferenceDisk.write(b.build(), to: childPath)

        let context = OpenContext(directory: dir)
        let disk = try DiskImage.open(path: childPath, context: context)
        #expect(disk.format == "vhdx-differencing")
        #expect(disk.files == [childPath, parentPath])
        var expected = try Array(Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("vhdx-disk/block1m.raw"))))
        let mib = 1 << 20
        expected.replaceSubrange(0..<mib, with: [UInt8](repeating: 0xC1, count: mib))
        for s in stride(from: 2048, to: 4096, by: 3) {
            expected.replaceSubrange(s * 512..<(s + 1) * 512, with: [UInt8](repeating: 0xC2, count: 512))
        }
        expected.replaceSubrange(2 * mib..<4 * mib, with: [UInt8](repeating: 0, count: 2 * mib))
        let got = try disk.device.read(at: 0, count: Int(disk.virtualSize))
        #expect(got.count == expected.count)
        if got != expected {
            let firstDiff = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? -1
            Issue.record("first difference at \(firstDiff)")
        }
    }

    @Test func parentWithAnotherDataWriteGUIDIsRefused() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(
            atPath: try Fixtures.path("vhdx-disk/parent.vhdx"), toPath: dir + "/parent.vhdx")
        var b = VHDXBuilder()
        b.hasParent = true
        b.parentLocator = [
            ("parent_linkage", "{00000000-1111-2222-3333-444444444444}"), ("relative_path", "parent.vhdx"),
        ]
        ReferenceDisk.write(b.build(), to: dir + "/child.vhdx")
        expectImageError(.corrupt, layer: "vhdx") {
            _ = try DiskImage.open(path: dir + "/child.vhdx", context: OpenContext(directory: dir))
        }
    }

    @Test func parentOutsideTheFolderIsRefused() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var b = VHDXBuilder()
        b.hasParent = true
        b.parentLocator = [("relative_path", "..\\..\\etc\\passwd")]
        ReferenceDisk.write(b.build(), to: dir + "/child.vhdx")
        let e = expectImageError(.unsupported, layer: "vhdx") {
            _ = try DiskImage.open(path: dir + "/child.vhdx", context: OpenContext(directory: dir))
        }
        expectExternalFileHint(e)
    }

    @Test func windowsParentPathsAreMapped() {
        let c = VHDXFormat.parentCandidates([
            "relative_path": ".\\sub\\p.vhdx", "absolute_win32_path": "\\\\?\\C:\\vms\\p.vhdx",
        ])
        #expect(c == ["sub/p.vhdx", "p.vhdx", "/vms/p.vhdx"])
    }

    @Test func payloadEntriesSkipTheSectorBitmapEntry() throws {
        var b = VHDXBuilder()
        b.virtualSize = 4097 << 20
        b.batEntries[4095] = VHDXBuilder.entry(state: 6, mib: 3)
        b.batEntries[4096] = VHDXBuilder.entry(state: 6, mib: 4)  // sector bitmap entry of chunk 0: not a payload
        b.batEntries[4097] = VHDXBuilder.entry(state: 6, mib: 5)  // payload block 4096
        b.data.append((3 << 20, [UInt8](repeating: 0xA1, count: 16)))
        b.data.append((4 << 20, [UInt8](repeating: 0xEE, count: 16)))
        b.data.append((5 << 20, [UInt8](repeating: 0xA2, count: 16)))
        let disk = try VHDXFormat.open(MemoryDevice(b.build()), path: "/x.vhdx", context: OpenContext(directory: "/"))
        #expect(try disk.device.read(at: 4095 << 20, count: 1) == [0xA1])
        #expect(try disk.device.read(at: 4096 << 20, count: 1) == [0xA2])
    }

    @Test func blocksReadFromTheBuilderAndZeroStates() throws {
        var b = VHDXBuilder()
        b.batEntries[VHDXBuilder.payloadIndex(1)] = VHDXBuilder.entry(state: 6, mib: 3)
        b.batEntries[VHDXBuilder.payloadIndex(2)] = VHDXBuilder.entry(state: 2, mib: 3)
        b.data.append((3 << 20, [UInt8](repeating: 0x77, count: 1 << 20)))
        let disk = try VHDXFormat.open(MemoryDevice(b.build()), path: "/x.vhdx", context: OpenContext(directory: "/"))
        #expect(try disk.device.read(at: (1 << 20) - 2, count: 4) == [0, 0, 0x77, 0x77])
        #expect(try disk.device.read(at: 2 << 20, count: 2) == [0, 0])
    }
}

@Suite struct VHDXCorruptionTests {
    func open(_ bytes: [UInt8]) throws -> OpenedDisk {
        try VHDXFormat.open(MemoryDevice(bytes), path: "/x.vhdx", context: OpenContext(directory: "/"))
    }

    @Test func oneBadHeaderFallsBackToTheOther() throws {
        var b = VHDXBuilder()
        b.sequenceNumbers = (5, 9)
        var f = b.build()
        f[(128 << 10) + 4] ^= 0xFF  // header 2 (the newer) damaged: header 1 is used
        let h = try VHDXFormat.currentHeader(MemoryDevice(f))
        #expect(h.sequenceNumber == 5)
        #expect(try open(f).virtualSize == 48 << 20)
    }

    @Test func newerHeaderWins() throws {
        var b = VHDXBuilder()
        b.sequenceNumbers = (7, 3)
        #expect(try VHDXFormat.currentHeader(MemoryDevice(b.build())).sequenceNumber == 7)
    }

    @Test func bothHeadersBadIsAnError() throws {
        var f = VHDXBuilder().build()
        f[(64 << 10) + 100] ^= 1
        f[(128 << 10) + 100] ^= 1
        expectImageError(.corrupt, layer: "vhdx", at: (64 << 10) + 4) { _ = try open(f) }
    }

    @Test func regionTableChecksumWrongInBothCopies() throws {
        var f = VHDXBuilder().build()
        f[(192 << 10) + 40] ^= 1
        f[(256 << 10) + 40] ^= 1
        expectImageError(.corrupt, layer: "vhdx", at: (192 << 10) + 4) { _ = try open(f) }
    }

    @Test func regionTableCopyIsUsedWhenTheFirstIsDamaged() throws {
        var f = VHDXBuilder().build()
        f[(192 << 10) + 40] ^= 1
        #expect(try open(f).virtualSize == 48 << 20)
    }

    @Test func unknownRequiredRegionIsRefused() throws {
        var b = VHDXBuilder()
        b.extraRegionRequired = true
        expectImageError(.unsupported, layer: "vhdx") { _ = try open(b.build()) }
    }

    @Test func unknownRequiredMetadataIsRefused() throws {
        var b = VHDXBuilder()
        b.extraMetadataRequired = true
        expectImageError(.unsupported, layer: "vhdx") { _ = try open(b.build()) }
    }

    @Test func batEntryPastTheEnd() throws {
        var b = VHDXBuilder()
        b.batEntries[VHDXBuilder.payloadIndex(3)] = VHDXBuilder.entry(state: 6, mib: 4000)
        let disk = try open(b.build())
        let entryAt = UInt64(VHDXBuilder.batOffset + 8 * VHDXBuilder.payloadIndex(3))
        expectImageError(.corrupt, layer: "vhdx", at: entryAt) { _ = try disk.device.read(at: 3 << 20, count: 512) }
    }

    @Test func unknownBlockStateIsCorrupt() throws {
        var b = VHDXBuilder()
        b.batEntries[0] = VHDXBuilder.entry(state: 5, mib: 3)
        let disk = try open(b.build())
        expectImageError(.corrupt, layer: "vhdx", at: UInt64(VHDXBuilder.batOffset)) {
            _ = try disk.device.read(at: 0, count: 512)
        }
    }

    @Test func partiallyPresentWithoutParentIsCorrupt() throws {
        var b = VHDXBuilder()
        b.batEntries[0] = VHDXBuilder.entry(state: 7, mib: 3)
        let disk = try open(b.build())
        expectImageError(.corrupt, layer: "vhdx") { _ = try disk.device.read(at: 0, count: 512) }
    }

    @Test func nonEmptyLogIsReported() throws {
        var b = VHDXBuilder()
        b.logGUID = [UInt8](repeating: 0x5A, count: 16)
        let disk = try open(b.build())
        #expect(disk.notes.count == 1)
        #expect(disk.notes.first?.contains("log is not empty") == true)
    }

    @Test func truncatedFileIsAnError() throws {
        let f = Array(VHDXBuilder().build().prefix(200 << 10))
        expectImageError(.truncated, layer: "vhdx") { _ = try open(f) }
    }

    @Test func badBlockSizeIsCorrupt() throws {
        var b = VHDXBuilder()
        b.blockSize = 3 << 20
        expectImageError(.corrupt, layer: "vhdx") { _ = try open(b.build()) }
    }
}
