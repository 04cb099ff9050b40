import BlockIO
import TestSupport
import Testing

@testable import Volumes

@Suite struct BlkidProbeTests {
    /// Scans `disk` and checks every partition's content against `blkid -p` of that partition.
    func expectContentsEqualBlkid(_ scan: VolumeScan, fixture: String, numbers: [Int]) throws {
        for n in numbers {
            let v = try #require(scan.volumes.first { $0.name == "partition \(n)" })
            let want = try Reference.content("\(fixture)/blkid-p\(n).txt")
            #expect(v.content == want, "partition \(n)")
        }
    }

    @Test func gptContentsEqualBlkidInPlace() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-gpt/gpt.img"))
        let scan = try VolumeScanner.scan([disk])
        try expectContentsEqualBlkid(scan, fixture: "volumes-gpt", numbers: [1, 2, 3, 4, 5])
        #expect(scan.volumes.map(\.content.type) == ["vfat", "ext4", "swap", "crypto_LUKS", nil])
        #expect(scan.volumes.first { $0.name == "partition 4" }?.content.version == "2")
    }

    @Test func gptContentsEqualBlkidThroughTheMemfdWindows() throws {
        let counter = ReadCounter()
        let file = try FileDevice(path: try Fixtures.path("volumes-gpt/gpt.img"))
        let disk = OpaqueDevice(base: CountingDevice(file, counter: counter))
        let scan = try VolumeScanner.scan([disk])
        try expectContentsEqualBlkid(scan, fixture: "volumes-gpt", numbers: [1, 2, 3, 4, 5])
        // Five volumes of ≤ 2 MiB of windows each, plus the tables and PV label checks: never the 48 MiB disk.
        #expect(counter.bytes <= 5 * (2 << 20) + (256 << 10), "\(counter.bytes) bytes read")
    }

    @Test func countedRawImageIsProbedInPlaceAndItsReadsCounted() throws {
        let counter = ReadCounter()
        let file = try FileDevice(path: try Fixtures.path("volumes-gpt/gpt.img"))
        let scan = try VolumeScanner.scan([CountingDevice(file, counter: counter)])
        try expectContentsEqualBlkid(scan, fixture: "volumes-gpt", numbers: [1, 2, 3, 4, 5])
        // The tables (a few KiB), PV label checks (2 KiB per partition), and what libblkid read in
        // place: measured, non-zero, and far below the memfd path's 2 MiB per volume.
        #expect(counter.bytes > 5 * 2048, "\(counter.bytes) bytes read")
        #expect(counter.bytes < 2 << 20, "\(counter.bytes) bytes read")
    }

    @Test func mbrContentsEqualBlkid() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-mbr/mbr.img"))
        let scan = try VolumeScanner.scan([disk])
        try expectContentsEqualBlkid(scan, fixture: "volumes-mbr", numbers: [1, 2, 5, 6, 7])
        #expect(
            scan.volumes.map(\.name) == ["partition 1", "partition 2", "partition 5", "partition 6", "partition 7"])
        #expect(scan.tables.first?.identifier == "1234abcd")
        let opaque = try VolumeScanner.scan([OpaqueDevice(base: disk)])
        try expectContentsEqualBlkid(opaque, fixture: "volumes-mbr", numbers: [1, 2, 5, 6, 7])
    }

    @Test func lvmContentsEqualBlkid() throws {
        let disks: [any BlockDevice] = [
            try FileDevice(path: try Fixtures.path("volumes-lvm/disk1.img")),
            try FileDevice(path: try Fixtures.path("volumes-lvm/disk2.img")),
        ]
        for scan in [try VolumeScanner.scan(disks), try VolumeScanner.scan(disks.map { OpaqueDevice(base: $0) })] {
            let content = Dictionary(uniqueKeysWithValues: scan.volumes.map { ($0.name, $0.content) })
            #expect(content["lv rhel/root"] == (try Reference.content("volumes-lvm/blkid-root.txt")))
            #expect(content["lv rhel/var"] == (try Reference.content("volumes-lvm/blkid-var.txt")))
            #expect(content["disk 1 partition 2"] == (try Reference.content("volumes-lvm/blkid-pv-a.txt")))
            #expect(content["disk 2"] == (try Reference.content("volumes-lvm/blkid-disk2.txt")))
            #expect(content["disk 1 partition 3"]?.type == "LVM2_member")
        }
    }

    @Test func windowsAreTheFirstAndLastMebibyte() {
        #expect(BlkidProbe.windows(size: 0).isEmpty)
        let mib: UInt64 = 1 << 20
        let tib: UInt64 = 1 << 40
        func flat(_ size: UInt64) -> [UInt64] { BlkidProbe.windows(size: size).flatMap { [$0.0, $0.1] } }
        #expect(flat(1000) == [0, 1000])
        #expect(flat(3 * mib) == [0, mib, 2 * mib, mib])
        #expect(flat(tib) == [0, mib, tib - mib, mib])
    }

    @Test func blankDeviceIsNothing() throws {
        #expect(try BlkidProbe.identify(ZeroDevice(size: 8 << 20)) == .nothing)
    }
}
