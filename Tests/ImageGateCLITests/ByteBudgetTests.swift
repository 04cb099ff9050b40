import Foundation
import TestSupport
import Testing

/// Issue 13's byte budget: a `check` of the Debian 12 fixture reads at most 4 MiB of image files
/// (`--stats`, all layers included) in every container, and the same whatever the virtual size.
@Suite struct ByteBudgetTests {
    static let budget = 4 << 20

    /// Every container fixture of the one Debian 12 guest (plus its LVM/XFS and btrfs layouts).
    static let containers = [
        "debian12-disk/disk.raw", "debian12-disk/disk.qcow2", "debian12-disk/disk-fixed.vhd",
        "debian12-disk/disk-dynamic.vhd", "debian12-disk/disk-2T.qcow2", "vhdx-debian12/disk.vhdx",
        "vmdk-debian12/stream.vmdk", "vmdk-debian12/split/disk.vmdk", "ova-debian12/debian12.ova",
        "debian12-lvm-xfs/disk.vhd", "debian12-btrfs/disk.vhd",
    ]

    static func checkedBytes(_ image: String, _ extra: [String] = []) throws -> Int {
        let r = try CLI.run(["check", image, "--stats", "--format", "json"] + extra)
        // 0 or 1 (the fixture may fail a requirement); 2 would be an unreadable image.
        #expect(r.status == 0 || r.status == 1, "\(image): \(r.stderr)")
        let m = r.stderr.firstMatch(of: /stats: ([0-9]+) bytes/)
        return try #require(Int(m?.1 ?? ""), "\(image): \(r.stderr)")
    }

    @Test(arguments: containers)
    func checkReadsAtMostFourMebibytes(container: String) throws {
        let bytes = try Self.checkedBytes(try Fixtures.path(container))
        #expect(bytes > 64 << 10, "\(container): \(bytes) bytes is too little to have read the guest")
        #expect(bytes <= Self.budget, "\(container): \(bytes) bytes read, budget \(Self.budget)")
    }

    /// qcow2 overlays of the raw disk with 2 GiB and 2 TiB virtual sizes read the same guest: the
    /// bytes must not grow with the virtual size (no table read whole, no probe window at the end
    /// of a volume that grows with it).
    @Test func bytesAreFlatInVirtualSize() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-budget-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let raw = try Fixtures.path("debian12-disk/disk.raw")
        var bytes: [String: Int] = [:]
        for size in ["2G", "2T"] {
            let overlay = "\(dir)/overlay-\(size).qcow2"
            let r = try Tools.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", raw, "-F", "raw", overlay, size])
            try #require(r.status == 0, "\(r.stderr)")
            bytes[size] = try Self.checkedBytes(overlay, ["--allow-external-files"])
        }
        let small = try #require(bytes["2G"])
        let large = try #require(bytes["2T"])
        #expect(small <= Self.budget && large <= Self.budget, "\(bytes)")
        #expect(large <= small + (64 << 10), "2 TiB: \(large) bytes vs 2 GiB: \(small)")
    }
}
