import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

/// Exact corruptions of qcow2 images, from the real fixtures or `QCOW2Builder`: each asserts the
/// error kind, the layer and that the error names an offset.
@Suite struct QCOW2CorruptionTests {
    func error(_ body: () throws -> Void) -> ImageError? {
        do {
            try body()
            return nil
        } catch let e as ImageError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    func expectError(
        _ kind: ImageError.Kind, at offset: UInt64? = nil, _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ImageError? {
        let e = error(body)
        #expect(e?.kind == kind, "\(String(describing: e))", sourceLocation: sourceLocation)
        #expect(e?.layer == "qcow2", sourceLocation: sourceLocation)
        #expect(e?.offset != nil, sourceLocation: sourceLocation)
        if let offset { #expect(e?.offset == offset, sourceLocation: sourceLocation) }
        return e
    }

    func realImage() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("qcow2-variants/v3.qcow2"))))
    }

    @Test func builtImageReadsItsData() throws {
        var b = QCOW2Builder()
        b.data = [[UInt8](repeating: 0xAB, count: 4096)]
        b.l2[1] = (QCOW2Builder.dataCluster(0), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        #expect(try device.read(at: 4096, count: 4096) == [UInt8](repeating: 0xAB, count: 4096))
        #expect(try device.read(at: 0, count: 4096) == [UInt8](repeating: 0, count: 4096))
    }

    @Test func badMagicIsRefused() throws {
        var bytes = try realImage()
        bytes[3] = 0xFA
        _ = expectError(.badMagic, at: 0) { _ = try QCOW2Device(base: MemoryDevice(bytes)) }
    }

    @Test func truncatedHeaderIsRefused() throws {
        let bytes = Array(try realImage().prefix(80))
        _ = expectError(.truncated) { _ = try QCOW2Device(base: MemoryDevice(bytes)) }
    }

    @Test func l1TableOffsetPastTheEndIsRefused() throws {
        var b = QCOW2Builder()
        b.l1Offset = 1 << 40
        _ = expectError(.corrupt, at: 0x28) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
    }

    @Test func hugeL1TableIsRefused() throws {
        var b = QCOW2Builder()
        b.l1Size = 0xFFFF_FFFF
        _ = expectError(.limitExceeded, at: 0x24) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
    }

    @Test func l1TooSmallForTheVirtualSizeIsRefused() throws {
        var b = QCOW2Builder()
        b.size = 1 << 40
        _ = expectError(.corrupt, at: 0x24) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
    }

    @Test func l2EntryPastTheEndIsRefused() throws {
        var b = QCOW2Builder()
        b.l2[5] = (1 << 40, 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        _ = expectError(.corrupt, at: 2 * 4096 + 5 * 8) { _ = try device.read(at: 5 * 4096, count: 512) }
    }

    @Test func l2TablePastTheEndIsRefused() throws {
        var bytes = try realImage()
        // v3.qcow2's L1 table is at 0x30000; point its first entry far past the end.
        let l1 = Int(bytes[0x28..<0x30].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        bytes.replaceSubrange(l1..<l1 + 8, with: [0x80, 0, 0, 0x10, 0, 0, 0, 0])
        let device = try QCOW2Device(base: MemoryDevice(bytes))
        _ = expectError(.corrupt, at: UInt64(l1)) { _ = try device.read(at: 0, count: 512) }
    }

    @Test func compressedClusterThatInflatesPastItsSizeIsRefused() throws {
        var b = QCOW2Builder()
        let stream = QCOW2Builder.storedDeflate([UInt8](repeating: 7, count: 5000))
        b.data = [Array(stream.prefix(4096)), Array(stream.dropFirst(4096))]
        b.l2[0] = (b.compressedEntry(offset: QCOW2Builder.dataCluster(0), sectors: 11), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        let e = expectError(.corrupt, at: QCOW2Builder.dataCluster(0)) { _ = try device.read(at: 0, count: 512) }
        #expect(e?.detail.contains("past the cluster size") == true)
    }

    @Test func compressedClusterThatEndsEarlyIsRefused() throws {
        var b = QCOW2Builder()
        b.data = [QCOW2Builder.storedDeflate([UInt8](repeating: 7, count: 100))]
        b.l2[0] = (b.compressedEntry(offset: QCOW2Builder.dataCluster(0), sectors: 1), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        _ = expectError(.corrupt, at: QCOW2Builder.dataCluster(0)) { _ = try device.read(at: 0, count: 512) }
    }

    @Test func compressedClusterOfExactlyOneClusterReads() throws {
        var b = QCOW2Builder()
        let stream = QCOW2Builder.storedDeflate([UInt8](repeating: 9, count: 4096))
        b.data = [Array(stream.prefix(4096)), Array(stream.dropFirst(4096))]
        b.l2[0] = (b.compressedEntry(offset: QCOW2Builder.dataCluster(0), sectors: 9), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        #expect(try device.read(at: 0, count: 4096) == [UInt8](repeating: 9, count: 4096))
    }

    @Test func zstdClusterThatDecompressesPastItsSizeIsRefused() throws {
        var b = QCOW2Builder()
        b.incompatible = 1 << 3
        b.compressionType = 1
        let frame = QCOW2Builder.rawZstdFrame([UInt8](repeating: 3, count: 5000))
        b.data = [Array(frame.prefix(4096)), Array(frame.dropFirst(4096))]
        b.l2[0] = (b.compressedEntry(offset: QCOW2Builder.dataCluster(0), sectors: 10), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        _ = expectError(.corrupt, at: QCOW2Builder.dataCluster(0)) { _ = try device.read(at: 0, count: 512) }
    }

    @Test func zstdClusterReads() throws {
        var b = QCOW2Builder()
        b.incompatible = 1 << 3
        b.compressionType = 1
        let frame = QCOW2Builder.rawZstdFrame([UInt8](repeating: 4, count: 4096))
        b.data = [Array(frame.prefix(4096)), Array(frame.dropFirst(4096))]
        b.l2[0] = (b.compressedEntry(offset: QCOW2Builder.dataCluster(0), sectors: 9), 0)
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        #expect(try device.read(at: 0, count: 4096) == [UInt8](repeating: 4, count: 4096))
    }

    @Test func encryptionIsRefused() throws {
        var b = QCOW2Builder()
        b.cryptMethod = 2
        let e = expectError(.unsupported, at: 0x20) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
        #expect(e?.detail.contains("encrypted") == true)
    }

    @Test func unknownIncompatibleFeatureIsRefusedByName() throws {
        var b = QCOW2Builder()
        b.incompatible = 1 << 9
        var table = [UInt8](repeating: 0, count: 48)
        table[1] = 9
        table.replaceSubrange(2..<2 + 11, with: Array("time travel".utf8))
        b.extensions = [(0x6803_F857, table)]
        let e = expectError(.unsupported, at: 0x48) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
        #expect(e?.detail.contains("'time travel' (bit 9)") == true)
    }

    @Test func externalDataFileIsRefusedByName() throws {
        var b = QCOW2Builder()
        b.incompatible = 1 << 2
        b.extensions = [(0x4441_5441, Array("disk.data".utf8))]
        let e = expectError(.unsupported, at: 0x48) { _ = try QCOW2Device(base: MemoryDevice(b.build())) }
        #expect(e?.detail.contains("'disk.data'") == true)
        expectExternalFileHint(e, liftedByTheFlag: false)
    }

    @Test func subclusterBothAllocatedAndZeroIsRefused() throws {
        var b = QCOW2Builder()
        b.clusterBits = 14
        b.incompatible = 1 << 4
        b.l2[0] = (0, 1 | 1 << 32)
        // 16 KiB clusters: the L2 table is in cluster 2, at 32 KiB.
        let device = try QCOW2Device(base: MemoryDevice(b.build()))
        _ = expectError(.corrupt, at: 32768 + 8) { _ = try device.read(at: 0, count: 512) }
    }

    @Test func dirtyAndCorruptBitsAreReported() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var b = QCOW2Builder()
        b.incompatible = 0b11
        let path = folder.write("dirty.qcow2", b.build())
        let disk = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        #expect(disk.notes.count == 2)
        #expect(disk.notes.allSatisfy { $0.hasPrefix("qcow2: ") })
    }

    @Test func backingChainLoopIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var a = QCOW2Builder()
        a.backingFile = "b.qcow2"
        a.backingFormat = "qcow2"
        var b = QCOW2Builder()
        b.backingFile = "a.qcow2"
        folder.write("b.qcow2", b.build())
        let path = folder.write("a.qcow2", a.build())
        let e = expectError(.loop) { _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path)) }
        #expect(e?.detail.contains("a.qcow2") == true)
    }

    @Test func missingBackingFileIsNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var a = QCOW2Builder()
        a.backingFile = "gone.qcow2"
        let path = folder.write("a.qcow2", a.build())
        let e = expectError(.notFound) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(e?.detail.contains("gone.qcow2") == true)
    }

    @Test(arguments: ["/etc/passwd", "../../../../etc/passwd"])
    func backingFileOutsideTheFolderIsRefused(_ name: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var a = QCOW2Builder()
        a.backingFile = name
        a.backingFormat = "raw"
        let path = folder.write("a.qcow2", a.build())
        let e = expectError(.unsupported) {
            _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        }
        #expect(e?.detail.contains("refusing") == true)
        expectExternalFileHint(e)
    }

    /// QEMU's `json:{…}` backing names are driver options (here a host path), never a file name:
    /// refused by name, with or without the flag (before: "not found" beside the image).
    @Test(arguments: [false, true])
    func aJSONBackingNameIsRefused(_ allowed: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var a = QCOW2Builder()
        a.backingFile = #"json:{"driver":"raw","file":{"driver":"file","filename":"/etc/passwd"}}"#
        let path = folder.write("a.qcow2", a.build())
        let e = expectError(.unsupported) {
            _ = try DiskImage.open(
                path: path, context: OpenContext(directory: folder.path, allowExternalFiles: allowed))
        }
        #expect(e?.detail.contains("QEMU json: specification") == true, "\(String(describing: e))")
        expectExternalFileHint(e, liftedByTheFlag: false)
    }

    @Test func backingFileDeclaredQCOW2MustBeQCOW2() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var a = QCOW2Builder()
        a.backingFile = "base.img"
        a.backingFormat = "qcow2"
        folder.write("base.img", [UInt8](repeating: 1, count: 8192))
        let path = folder.write("a.qcow2", a.build())
        _ = expectError(.badMagic) { _ = try DiskImage.open(path: path, context: OpenContext(directory: folder.path)) }
    }

    @Test func backingFileWithoutFormatIsSniffed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var base = QCOW2Builder()
        base.data = [[UInt8](repeating: 0x42, count: 4096)]
        base.l2[2] = (QCOW2Builder.dataCluster(0), 0)
        folder.write("base.qcow2", base.build())
        var top = QCOW2Builder()
        top.backingFile = "base.qcow2"
        let path = folder.write("top.qcow2", top.build())
        let disk = try DiskImage.open(path: path, context: OpenContext(directory: folder.path))
        #expect(try disk.device.read(at: 8192, count: 4096) == [UInt8](repeating: 0x42, count: 4096))
        #expect(disk.files.count == 2)
    }
}
