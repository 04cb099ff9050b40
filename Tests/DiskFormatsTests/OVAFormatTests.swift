import BlockIO
import Foundation
import TestSupport
import Testing

@testable import DiskFormats

@Suite struct OVAFormatTests {
    @Test(arguments: ["appliance.ova", "appliance-pax.ova"])
    func firstDiskEqualsQemuRaw(_ name: String) throws {
        let (disk, context) = try ReferenceDisk.openFixture("ova-disk/\(name)")
        #expect(disk.format == "ova")
        #expect(disk.notes.last?.contains("disk1.vmdk (vmdk-streamOptimized)") == true)
        try ReferenceDisk.assertSame(disk.device, reference: try Fixtures.path("ova-disk/disk1.raw"))
        ReferenceDisk.expectBoundedReads(disk, context)
        print(
            "ova \(name): whole-disk read of \(disk.virtualSize) bytes read \(context.counter.bytes) bytes of the OVA")
    }

    @Test func secondDiskByIndex() throws {
        let path = try Fixtures.path("ova-disk/appliance.ova")
        var context = OpenContext(directory: (path as NSString).deletingLastPathComponent)
        context.diskIndex = 1
        let disk = try DiskImage.open(path: path, context: context)
        try ReferenceDisk.assertSame(disk.device, reference: try Fixtures.path("ova-disk/disk2.raw"))
        context.diskIndex = 2
        expectImageError(.notFound, layer: "ova") { _ = try DiskImage.open(path: path, context: context) }
    }

    @Test func ovfParsing() throws {
        let xml = """
            <?xml version="1.0"?><ovf:Envelope xmlns:ovf="x"><ovf:References>
            <ovf:File ovf:href="a&amp;b.vmdk" ovf:id="f1"/><File href='c.vmdk' id="f2"></File></ovf:References>
            <!-- <Disk ovf:fileRef="nope"/> is a comment, but we do not care --><DiskSection>
            <Disk ovf:diskId="d2" ovf:fileRef="f2" ovf:capacity="4"/><Disk diskId="d1" fileRef="f1"/></DiskSection></ovf:Envelope>
            """
        let e = try OVFEnvelope(Array(xml.utf8), layer: "ova", base: 0)
        #expect(e.files == ["f1": "a&b.vmdk", "f2": "c.vmdk"])
        #expect(e.disks.map(\.fileRef) == ["f2", "f1"])
    }

    /// A tar built here: one header per member (ustar), then two zero blocks.
    static func tar(_ members: [(String, [UInt8])], corruptSize: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for (name, data) in members {
            var h = [UInt8](repeating: 0, count: 512)
            h.replaceSubrange(0..<name.utf8.count, with: Array(name.utf8))
            let size = corruptSize ? data.count + 100_000 : data.count
            let octal = Array(String(size, radix: 8).utf8)
            let sizeField = [UInt8](repeating: 0x30, count: 11 - octal.count) + octal + [0]
            h.replaceSubrange(124..<136, with: sizeField)
            h.replaceSubrange(100..<108, with: Array("0000644\0".utf8))
            h[156] = UInt8(ascii: "0")
            h.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
            h.replaceSubrange(263..<265, with: Array("00".utf8))
            let sum = TarMember.checksum(h)
            let s = Array(String(sum, radix: 8).utf8)
            h.replaceSubrange(148..<156, with: [UInt8](repeating: 0x30, count: 6 - s.count) + s + [0, 0x20])
            out += h + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    static let ovf = Array(
        "<Envelope><References><File href=\"d.img\" id=\"f\"/></References><DiskSection><Disk diskId=\"1\" fileRef=\"f\"/></DiskSection></Envelope>"
            .utf8)

    @Test func rawDiskInsideIsReadInPlace() throws {
        let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let bytes = Self.tar([("x.ovf", Self.ovf), ("d.img", data)])
        #expect(OVAFormat.matches(head: bytes, tail: [], size: UInt64(bytes.count)))
        let disk = try OVAFormat.open(MemoryDevice(bytes), path: "/x.ova", context: OpenContext(directory: "/"))
        #expect(try disk.device.read(at: 0, count: 4096) == data)
    }

    @Test func truncatedMember() throws {
        let bytes = Self.tar([("x.ovf", Self.ovf), ("d.img", [1, 2, 3])], corruptSize: true)
        expectImageError(.truncated, layer: "ova", at: 124) {
            _ = try OVAFormat.open(MemoryDevice(bytes), path: "/x.ova", context: OpenContext(directory: "/"))
        }
    }

    @Test func badChecksumAndMissingDisk() throws {
        var bytes = Self.tar([("x.ovf", Self.ovf), ("d.img", [1, 2, 3])])
        bytes[1024 + 5] ^= 1
        expectImageError(.corrupt, layer: "ova", at: 1024 + 148) {
            _ = try OVAFormat.open(MemoryDevice(bytes), path: "/x.ova", context: OpenContext(directory: "/"))
        }
        let missing = Self.tar([("x.ovf", Self.ovf)])
        expectImageError(.notFound, layer: "ova") {
            _ = try OVAFormat.open(MemoryDevice(missing), path: "/x.ova", context: OpenContext(directory: "/"))
        }
    }

    @Test func diskOutsideThePackageIsRefused() throws {
        let ovf = Array(
            "<Envelope><References><File href=\"../../etc/passwd\" id=\"f\"/></References><DiskSection><Disk fileRef=\"f\"/></DiskSection></Envelope>"
                .utf8)
        let bytes = Self.tar([("x.ovf", ovf)])
        let e = expectImageError(.unsupported, layer: "ova") {
            _ = try OVAFormat.open(MemoryDevice(bytes), path: "/x.ova", context: OpenContext(directory: "/"))
        }
        expectExternalFileHint(e, liftedByTheFlag: false)
        #expect(e?.detail.hasPrefix("disk file '../../etc/passwd' is outside the OVA") == true)
        // The flag does not lift it: an OVA's disk is read inside the package only.
        let allowed = expectImageError(.unsupported, layer: "ova") {
            _ = try OVAFormat.open(
                MemoryDevice(bytes), path: "/x.ova", context: OpenContext(directory: "/", allowExternalFiles: true))
        }
        expectExternalFileHint(allowed, liftedByTheFlag: false)
    }

    @Test func plainTarIsNotAnOVA() {
        let bytes = Self.tar([("etc/passwd", [1])])
        #expect(!OVAFormat.matches(head: bytes, tail: [], size: UInt64(bytes.count)))
    }
}
