import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

/// The Debian 12 cloud disk of the foundation fixture in every container this folder reads:
/// the whole virtual disk equals the raw disk the others were converted from (so the guest
/// seen through each, and what `inspect` reports, is the same).
@Suite struct Debian12ContainerTests {
    @Test(arguments: [
        ("vhdx-debian12/disk.vhdx", "vhdx"), ("vmdk-debian12/stream.vmdk", "vmdk-streamOptimized"),
        ("vmdk-debian12/split/disk.vmdk", "vmdk-twoGbMaxExtentSparse"), ("ova-debian12/debian12.ova", "ova"),
    ])
    func wholeDiskEqualsTheRawDisk(_ fixture: String, _ format: String) throws {
        let start = Date()
        let (disk, context) = try ReferenceDisk.openFixture(fixture)
        #expect(disk.format == format)
        // The raw disk the container was made from, linked by its fixture.
        let folder = fixture.split(separator: "/").first.map(String.init) ?? ""
        try ReferenceDisk.assertSame(disk.device, reference: try Fixtures.path("\(folder)/source.raw"))
        ReferenceDisk.expectBoundedReads(disk, context)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        print(
            "debian12 \(fixture): \(disk.virtualSize) bytes compared, \(context.counter.bytes) bytes of image read, \(seconds) s (debug build)"
        )
    }
}
