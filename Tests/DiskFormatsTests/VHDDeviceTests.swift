import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

@Suite struct VHDDeviceTests {
    static let variants: [(String, String)] = [
        ("fixed", "vhd-fixed"), ("fixed-force", "vhd-fixed"), ("dynamic", "vhd-dynamic"),
        ("dynamic-force", "vhd-dynamic"), ("parent", "vhd-dynamic"), ("child", "vhd-differencing"),
        ("grandchild", "vhd-differencing"),
    ]

    /// qemu-img's `convert -O raw` for fixed and dynamic disks; for the differencing disks (which
    /// qemu reads without their parent) the parent's raw with the script's sectors laid over it.
    @Test(arguments: variants)
    func wholeDiskMatchesReference(_ name: String, _ format: String) throws {
        let counter = ReadCounter()
        let disk = try ReferenceComparison.open("vhd-variants/\(name).vhd", counter: counter)
        #expect(disk.format == format)
        try ReferenceComparison.expectSameBytes(disk.device, reference: try Fixtures.path("vhd-variants/\(name).raw"))
        let files = try disk.files.reduce(UInt64(0)) { $0 + (try FileDevice(path: $1).size) }
        print("vhd \(name): whole disk read \(counter.bytes) B from \(files) B of image files")
        #expect(counter.bytes <= files + files / 10 + (256 << 10))
    }

    @Test func differencingChainListsEveryFile() throws {
        let disk = try ReferenceComparison.open("vhd-variants/grandchild.vhd")
        #expect(disk.files.map { ($0 as NSString).lastPathComponent } == ["grandchild.vhd", "child.vhd", "parent.vhd"])
    }

    /// qemu-img rounds the size up to a CHS geometry unless `force_size=on`: the virtual size is
    /// the footer's current size either way.
    @Test func virtualSizeIsTheFootersCurrentSize() throws {
        #expect(try ReferenceComparison.open("vhd-variants/fixed-force.vhd").virtualSize == 48 << 20)
        #expect(try ReferenceComparison.open("vhd-variants/dynamic-force.vhd").virtualSize == 48 << 20)
        #expect(try ReferenceComparison.open("vhd-variants/dynamic.vhd").virtualSize == 50_343_936)
    }

    @Test func dynamicDiskReadsOnlyWhatItNeeds() throws {
        let counter = ReadCounter()
        let disk = try ReferenceComparison.open("vhd-variants/dynamic.vhd", counter: counter)
        let opened = counter.bytes
        _ = try disk.device.read(at: 0, count: 1 << 20)
        print("vhd dynamic: open \(opened) bytes, first MiB \(counter.bytes - opened) bytes")
        #expect(counter.bytes - opened <= (1 << 20) + 4096 + 512)
    }
}
