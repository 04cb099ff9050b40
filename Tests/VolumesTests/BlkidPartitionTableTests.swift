import BlockIO
import Testing

@testable import Volumes

/// A partition table libblkid knows and we do not read is named by its PTTYPE (issue 10:
/// util-linux's blkid `images-pt` sun, sgi and atari disks said "no recognised file system").
@Suite struct BlkidPartitionTableTests {
    /// A 1 MiB disk with an SGI volume header: magic 0x0BE5A941 at 0, one partition entry, and the
    /// checksum at 504 making the big-endian 32-bit words of the first sector sum to zero.
    static var sgiDisk: [UInt8] {
        var b = [UInt8](repeating: 0, count: 1 << 20)
        putBE(&b, 0, 0x0BE5_A941, 4)
        putBE(&b, 312, 100, 4)  // partition 0: 100 blocks
        putBE(&b, 316, 8, 4)  // from block 8
        putBE(&b, 320, 0x83, 4)  // type Linux
        var sum: UInt32 = 0
        for i in stride(from: 0, to: 512, by: 4) { sum &+= word(b, i, 4) }
        putBE(&b, 504, UInt64(0 &- sum), 4)
        return b
    }

    /// A 1 MiB disk with a Sun disk label: magic 0xDABE at 508, a one-track one-sector geometry,
    /// one partition, and the checksum at 510 making the XOR of its big-endian 16-bit words zero.
    static var sunDisk: [UInt8] {
        var b = [UInt8](repeating: 0, count: 1 << 20)
        putBE(&b, 436, 1, 2)  // ntrks
        putBE(&b, 438, 1, 2)  // nsect
        putBE(&b, 448, 100, 4)  // partition 0: 100 sectors from cylinder 0
        putBE(&b, 508, 0xDABE, 2)
        var xor: UInt32 = 0
        for i in stride(from: 0, to: 510, by: 2) { xor ^= word(b, i, 2) }
        putBE(&b, 510, UInt64(xor), 2)
        return b
    }

    /// The big-endian value of the `width` bytes at `at`.
    static func word(_ b: [UInt8], _ at: Int, _ width: Int) -> UInt32 {
        b[at..<at + width].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    static func putBE(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ width: Int) {
        for i in 0..<width { b[at + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * (width - 1 - i))) }
    }

    @Test(arguments: [(sgiDisk, "sgi"), (sunDisk, "sun")])
    func partitionTableIsNamedByItsPTTYPE(bytes: [UInt8], type: String) throws {
        #expect(try BlkidProbe.identify(MemoryDevice(bytes)) == .partitionTable(type))
        let scan = try VolumeScanner.scan([MemoryDevice(bytes)])
        #expect(scan.volumes.map(\.content) == [VolumeContent(partitionTable: type)])
    }
}
