import BlockIO
import Foundation
import TestSupport
import Testing

@testable import DiskFormats

@Suite struct VMDKDeviceTests {
    @Test(arguments: [
        ("monolithicSparse", "vmdk-monolithicSparse"), ("monolithicSparse-zeroed", "vmdk-monolithicSparse"),
        ("streamOptimized", "vmdk-streamOptimized"), ("twoGbMaxExtentSparse", "vmdk-twoGbMaxExtentSparse"),
        ("twoGbMaxExtentFlat", "vmdk-twoGbMaxExtentFlat"), ("monolithicFlat", "vmdk-monolithicFlat"),
        ("big", "vmdk-twoGbMaxExtentSparse"), ("differencing", "vmdk-monolithicSparse"),
    ])
    func wholeDiskEqualsQemuRaw(_ variant: String, _ format: String) throws {
        let (disk, context) = try ReferenceDisk.openFixture("vmdk-disk/\(variant)/disk.vmdk")
        #expect(disk.format == format)
        try ReferenceDisk.assertSame(disk.device, reference: try Fixtures.path("vmdk-disk/\(variant)/disk.raw"))
        ReferenceDisk.expectBoundedReads(disk, context)
        print(
            "vmdk \(variant): whole-disk read of \(disk.virtualSize) bytes read \(context.counter.bytes) bytes of image in \(disk.files.count) files"
        )
    }

    @Test func scatteredReadsOfABigDiskCostLittle() throws {
        let (disk, context) = try ReferenceDisk.openFixture("vmdk-disk/big/disk.vmdk")
        let opened = context.counter.bytes
        for offset: UInt64 in [0, 2047 << 20, 2048 << 20, 4095 << 20, 4607 << 20] {
            _ = try disk.device.read(at: offset, count: 64 << 10)
        }
        print("vmdk big: open read \(opened) bytes, five 64 KiB reads \(context.counter.bytes - opened) more")
        #expect(context.counter.bytes < 2 << 20)
    }

    @Test func extentFilesAreListed() throws {
        let (disk, _) = try ReferenceDisk.openFixture("vmdk-disk/big/disk.vmdk")
        #expect(
            disk.files.map { ($0 as NSString).lastPathComponent } == [
                "disk.vmdk", "disk-s001.vmdk", "disk-s002.vmdk", "disk-s003.vmdk",
            ])
    }

    @Test func descriptorLinesParse() throws {
        let text = """
            # Disk DescriptorFile
            version=1
            CID=fffffffe
            parentCID=ffffffff
            createType="twoGbMaxExtentFlat"  

            RW 2048 FLAT "my disk-f001.vmdk" 16
            RDONLY 100 ZERO
            RW 4096 SPARSE "b.vmdk"
            ddb.adapterType = "lsilogic"
            """
        let d = try VMDKDescriptor(Array(text.utf8), layer: "vmdk", base: 0)
        #expect(d.createType == "twoGbMaxExtentFlat")
        #expect(!d.hasParent)
        #expect(d.values["ddb.adapterType"] == "lsilogic")
        #expect(d.extents.map(\.type) == [.flat, .zero, .sparse])
        #expect(d.extents[0].file == "my disk-f001.vmdk")
        #expect(d.extents[0].startSector == 16)
        #expect(d.extents[1].file == nil)
        #expect(d.extents[2].sectors == 4096)
    }

    @Test func zeroExtentAndOffsetsOfAFlatDescriptor() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        ReferenceDisk.write((0..<4096).map { UInt8(truncatingIfNeeded: $0 / 512 + 1) }, to: dir + "/data.bin")
        ReferenceDisk.write(
            Array(
                "# Disk DescriptorFile\nversion=1\ncreateType=\"custom\"\nRW 2 FLAT \"data.bin\" 3\nRW 1 ZERO\nRW 1 FLAT \"data.bin\"\n"
                    .utf8), to: dir + "/d.vmdk")
        let disk = try DiskImage.open(path: dir + "/d.vmdk", context: OpenContext(directory: dir))
        #expect(disk.format == "vmdk-custom")
        let got = try disk.device.read(at: 0, count: 2048)
        #expect(got[0] == 4 && got[511] == 4 && got[512] == 5 && got[1024] == 0 && got[1535] == 0 && got[1536] == 1)
    }
}

@Suite struct VMDKCorruptionTests {
    func open(_ bytes: [UInt8]) throws -> OpenedDisk {
        try VMDKFormat.open(MemoryDevice(bytes), path: "/x.vmdk", context: OpenContext(directory: "/"))
    }

    @Test func builtSparseExtentReadsGrains() throws {
        var b = VMDKBuilder()
        b.gt[1] = 16
        b.data.append((16, [UInt8](repeating: 0x9A, count: 65536)))
        let disk = try open(b.build())
        #expect(disk.format == "vmdk-monolithicSparse")
        #expect(try disk.device.read(at: 65534, count: 4) == [0, 0, 0x9A, 0x9A])
    }

    @Test func redundantDirectoryIsUsedWhenThePrimaryIsBad() throws {
        var b = VMDKBuilder()
        b.gd = [0xFFFF_FF00]
        b.gt[0] = 16
        b.data.append((16, [UInt8](repeating: 0x31, count: 512)))
        #expect(try open(b.build()).device.read(at: 0, count: 1) == [0x31])
        b.gdSector = 0
        b.gd = []
        #expect(try open(b.build()).device.read(at: 0, count: 1) == [0x31])
    }

    @Test func directoryEntryPastTheEnd() throws {
        var b = VMDKBuilder()
        b.gd = [0xFFFF_FF00]
        b.rgd = [0xFFFF_FF00]
        expectImageError(.corrupt, layer: "vmdk", at: 512) { _ = try open(b.build()) }
    }

    @Test func grainTableLoop() throws {
        var b = VMDKBuilder()
        b.capacitySectors = 128 * 512 * 2
        b.gd = [2, 2]
        b.rgd = [2, 2]
        expectImageError(.loop, layer: "vmdk", at: 512 + 4) { _ = try open(b.build()) }
    }

    @Test func grainPointingIntoMetadata() throws {
        var b = VMDKBuilder()
        b.gt[0] = 2  // the grain table itself
        let disk = try open(b.build())
        expectImageError(.corrupt, layer: "vmdk", at: 2 * 512) { _ = try disk.device.read(at: 0, count: 512) }
    }

    @Test func compressedGrainInflatingPastTheGrainSize() throws {
        var b = VMDKBuilder()
        b.compressed = true
        b.sectors = 16 + 600
        b.gt[0] = 16
        b.gt[1] = 300
        b.data.append(
            (16, VMDKBuilder.compressedGrain(lba: 0, VMDKBuilder.zlibStored([UInt8](repeating: 7, count: 65536 + 1)))))
        b.data.append(
            (300, VMDKBuilder.compressedGrain(lba: 128, VMDKBuilder.zlibStored([UInt8](repeating: 8, count: 100)))))
        let disk = try open(b.build())
        #expect(disk.format == "vmdk-streamOptimized")
        expectImageError(.limitExceeded, layer: "vmdk", at: 16 * 512) { _ = try disk.device.read(at: 0, count: 512) }
        // A short grain is padded with zeros.
        #expect(try disk.device.read(at: 65536 + 98, count: 4) == [8, 8, 0, 0])
    }

    @Test func compressedGrainWithWrongMarker() throws {
        var b = VMDKBuilder()
        b.compressed = true
        b.gt[0] = 16
        b.data.append((16, VMDKBuilder.compressedGrain(lba: 999, VMDKBuilder.zlibStored([1]))))
        let disk = try open(b.build())
        expectImageError(.corrupt, layer: "vmdk", at: 16 * 512) { _ = try disk.device.read(at: 0, count: 512) }
    }

    @Test func damagedCompressedGrain() throws {
        var b = VMDKBuilder()
        b.compressed = true
        b.gt[0] = 16
        b.data.append((16, VMDKBuilder.compressedGrain(lba: 0, [0x78, 0x01, 0xFF, 0xFF, 0xFF])))
        let disk = try open(b.build())
        expectImageError(.corrupt, layer: "vmdk", at: 16 * 512) { _ = try disk.device.read(at: 0, count: 512) }
    }

    @Test func embeddedDescriptorNamesTheCreateType() throws {
        var b = VMDKBuilder()
        b.descriptor = "# Disk DescriptorFile\nversion=1\ncreateType=\"vmfsSparse\"\nRW 65536 SPARSE \"x.vmdk\"\n"
        #expect(try open(b.build()).format == "vmdk-vmfsSparse")
    }

    @Test func badHeaderFields() throws {
        var f = VMDKBuilder().build()
        f[4] = 9  // version
        expectImageError(.unsupported, layer: "vmdk", at: 4) { _ = try open(f) }
        f = VMDKBuilder().build()
        f[0x14] = 3  // grain of 3 sectors
        expectImageError(.corrupt, layer: "vmdk", at: 0x14) { _ = try open(f) }
        f = VMDKBuilder().build()
        f[0x4A] = 0x0A  // newline test bytes mangled
        expectImageError(.corrupt, layer: "vmdk", at: 0x49) { _ = try open(f) }
        expectImageError(.truncated, layer: "vmdk", at: 0) { _ = try open(Array(VMDKBuilder().build().prefix(100))) }
    }

    @Test func hugeCapacityIsRefused() throws {
        var b = VMDKBuilder()
        b.capacitySectors = 1 << 46
        expectImageError(.limitExceeded, layer: "vmdk") { _ = try open(b.build()) }
    }

    @Test func extentThatIsAFIFOIsRefusedWithoutBlocking() throws {
        // Issue 10: opening a FIFO extent for reading blocked forever.
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/extent.raw", 0o600) == 0)
        let text = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 1 FLAT \"extent.raw\" 0\n"
        ReferenceDisk.write(Array(text.utf8), to: dir + "/fifo.vmdk")
        let error = #expect(throws: ImageError.self) {
            _ = try DiskImage.open(path: dir + "/fifo.vmdk", context: OpenContext(directory: dir))
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.detail.contains("is a FIFO, not a regular file") == true)
    }

    @Test func descriptorNamingEtcPasswdIsRefused() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 1 FLAT \"/etc/passwd\" 0\n"
        ReferenceDisk.write(Array(text.utf8), to: dir + "/evil.vmdk")
        let lineOffset = UInt64(text.utf8.count - "RW 1 FLAT \"/etc/passwd\" 0\n".utf8.count)
        let e = expectImageError(.unsupported, layer: "vmdk", at: lineOffset) {
            _ = try DiskImage.open(path: dir + "/evil.vmdk", context: OpenContext(directory: dir))
        }
        expectExternalFileHint(e)
        ReferenceDisk.write(
            Array(text.replacingOccurrences(of: "/etc/passwd", with: "../../../../etc/passwd").utf8),
            to: dir + "/evil2.vmdk")
        let e2 = expectImageError(.unsupported, layer: "vmdk", at: lineOffset) {
            _ = try DiskImage.open(path: dir + "/evil2.vmdk", context: OpenContext(directory: dir))
        }
        expectExternalFileHint(e2)
        // Allowed explicitly, it opens (the user's choice).
        let allowed = try DiskImage.open(
            path: dir + "/evil.vmdk", context: OpenContext(directory: dir, allowExternalFiles: true))
        #expect(allowed.virtualSize == 512)
    }

    @Test func parentChainLoopIsRefused() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text =
            "# Disk DescriptorFile\nversion=1\nparentCID=12345678\nparentFileNameHint=\"b.vmdk\"\ncreateType=\"custom\"\nRW 1 ZERO\n"
        ReferenceDisk.write(Array(text.utf8), to: dir + "/a.vmdk")
        ReferenceDisk.write(Array(text.replacingOccurrences(of: "b.vmdk", with: "a.vmdk").utf8), to: dir + "/b.vmdk")
        expectImageError(.loop, layer: "vmdk") {
            _ = try DiskImage.open(path: dir + "/a.vmdk", context: OpenContext(directory: dir))
        }
    }

    /// A child whose parent ends inside a grain: the parent's bytes, then zeros, as the other
    /// differencing formats read (before, VMDK read the parent past its end and threw).
    @Test func childOverAShorterParentReadsZerosPastTheParentsEnd() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var parent = VMDKBuilder()
        parent.capacitySectors = 129  // one grain and one sector: ends 512 bytes into grain 1
        parent.gt[0] = 16
        parent.gt[1] = 144
        parent.data.append((16, [UInt8](repeating: 0x11, count: 65536)))
        parent.data.append((144, [UInt8](repeating: 0x22, count: 512)))
        ReferenceDisk.write(parent.build(), to: dir + "/parent.vmdk")
        var child = VMDKBuilder()
        child.descriptor =
            "# Disk DescriptorFile\nversion=1\nCID=00000001\nparentCID=0000abcd\n"
            + "parentFileNameHint=\"parent.vmdk\"\ncreateType=\"monolithicSparse\"\n"
        ReferenceDisk.write(child.build(), to: dir + "/child.vmdk")
        let disk = try DiskImage.open(path: dir + "/child.vmdk", context: OpenContext(directory: dir))
        #expect(disk.files.map { ($0 as NSString).lastPathComponent } == ["child.vmdk", "parent.vmdk"])
        #expect(try disk.device.read(at: 65532, count: 8) == [0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22])
        let across = try disk.device.read(at: 66040, count: 16)
        #expect(across == [UInt8](repeating: 0x22, count: 8) + [UInt8](repeating: 0, count: 8))
        #expect(try disk.device.read(at: 1 << 20, count: 4) == [0, 0, 0, 0])
    }

    @Test func differencingDiskListsItsParent() throws {
        let (disk, _) = try ReferenceDisk.openFixture("vmdk-disk/differencing/disk.vmdk")
        #expect(disk.files.map { ($0 as NSString).lastPathComponent } == ["disk.vmdk", "base.vmdk"])
    }

    @Test func missingExtentNamesTheFile() throws {
        let dir = try ReferenceDisk.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        ReferenceDisk.write(
            Array("# Disk DescriptorFile\ncreateType=\"twoGbMaxExtentSparse\"\nRW 8 SPARSE \"gone-s001.vmdk\"\n".utf8),
            to: dir + "/d.vmdk")
        expectImageError(.notFound, layer: "vmdk") {
            _ = try DiskImage.open(path: dir + "/d.vmdk", context: OpenContext(directory: dir))
        }
    }

    @Test func malformedDescriptors() {
        for text in [
            "createType=\"x\"\nRW abc FLAT \"f\"\n", "createType=\"x\"\nRW 1 FLAT\n",
            "createType=\"x\"\nRW 1 FLAT \"f\n",
            "createType=\"x\"\nRW 1 COWD \"f\"\n", "just words\n",
        ] {
            #expect(throws: ImageError.self) { _ = try VMDKDescriptor(Array(text.utf8), layer: "vmdk", base: 0) }
        }
    }
}
