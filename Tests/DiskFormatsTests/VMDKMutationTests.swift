import BlockIO
import DiskFormats
import Testing

/// In-process stand-ins for the fuzz harnesses: deterministic byte mutations of built images
/// must give an `ImageError` or a readable disk, never a crash or a hang.
@Suite struct VMDKMutationTests {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func mutateAndRead(
        _ base: [UInt8], hotSpots: [Range<Int>], iterations: Int, open: ([UInt8]) throws -> OpenedDisk
    ) {
        var random = Random(state: 42)
        for _ in 0..<iterations {
            var bytes = base
            for _ in 0..<(1 + random.next(6)) {
                let spot = hotSpots[random.next(hotSpots.count)]
                let at = spot.lowerBound + random.next(spot.count)
                bytes[at] = random.next(3) == 0 ? 0xFF : UInt8(random.next(256))
            }
            guard let disk = try? open(bytes) else { continue }
            let size = disk.device.size
            for i: UInt64 in 0..<8 where size >= 512 {
                _ = try? disk.device.read(at: min((size / 8 * i) & ~511, size - 512), count: 512)
            }
        }
    }

    @Test func mutatedSparseExtentsNeverCrash() {
        var b = VMDKBuilder()
        b.gt[0] = 16
        b.gt[3] = 144
        b.descriptor = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicSparse\"\nRW 65536 SPARSE \"x.vmdk\"\n"
        Self.mutateAndRead(
            b.build(), hotSpots: [0..<80, 512..<520, 1024..<1100, 3072..<3100, 6144..<6160, 6144..<6400],
            iterations: 200
        ) {
            try VMDKFormat.open(
                MemoryDevice($0), path: "/nonexistent/x.vmdk", context: OpenContext(directory: "/nonexistent"))
        }
    }

    @Test func mutatedCompressedExtentsNeverCrash() {
        var b = VMDKBuilder()
        b.compressed = true
        b.gt[0] = 16
        b.data.append(
            (16, VMDKBuilder.compressedGrain(lba: 0, VMDKBuilder.zlibStored([UInt8](repeating: 3, count: 3000)))))
        Self.mutateAndRead(b.build(), hotSpots: [0..<80, 512..<516, 1024..<1040, 8192..<8220], iterations: 200) {
            try VMDKFormat.open(
                MemoryDevice($0), path: "/nonexistent/x.vmdk", context: OpenContext(directory: "/nonexistent"))
        }
    }

    @Test func mutatedVHDXNeverCrash() {
        var b = VHDXBuilder()
        b.batEntries[0] = VHDXBuilder.entry(state: 6, mib: 3)
        b.batEntries[1] = VHDXBuilder.entry(state: 2, mib: 0)
        let mib = 1 << 20
        Self.mutateAndRead(
            b.build(), hotSpots: [0..<8, mib..<mib + 200, mib + 65536..<mib + 65600, 2 * mib..<2 * mib + 32],
            iterations: 200
        ) {
            try VHDXFormat.open(
                MemoryDevice($0), path: "/nonexistent/x.vhdx", context: OpenContext(directory: "/nonexistent"))
        }
    }

    @Test func mutatedDescriptorsNeverCrash() {
        let text = Array(
            "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"twoGbMaxExtentFlat\"\nRW 98304 FLAT \"d-f001.vmdk\" 0\nRW 1 ZERO\n"
                .utf8)
        Self.mutateAndRead(text, hotSpots: [0..<text.count], iterations: 200) {
            try VMDKFormat.open(
                MemoryDevice($0), path: "/nonexistent/x.vmdk", context: OpenContext(directory: "/nonexistent"))
        }
    }
}
