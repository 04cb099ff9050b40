import BlockIO
import TestSupport
import Testing

@testable import Volumes

@Suite struct MBRPartitionTableTests {
    @Test func partitionsEqualWhatSfdiskPrints() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-mbr/mbr.img"))
        let table = try MBRPartitionTable(device: disk)
        let (ref, parts) = try Reference.sfdiskPartitions("volumes-mbr/sfdisk.json")
        #expect("0x" + hex8(table.diskSignature) == ref["id"] as? String)
        #expect(table.partitions.count == parts.count)
        for (ours, theirs) in zip(table.partitions, parts) {
            #expect("mbr.img\(ours.number)" == theirs["node"] as? String)
            #expect(ours.start == UInt64(theirs["start"] as? Int ?? -1) * 512)
            #expect(ours.size == UInt64(theirs["size"] as? Int ?? -1) * 512)
            let type = theirs["type"] as? String ?? ""
            let padded = "0x" + String(repeating: "0", count: max(0, 2 - type.count)) + type
            #expect(ours.type == padded)
            #expect(ours.uuid == "1234abcd-" + hex2(UInt8(ours.number)))
        }
        #expect(table.partitions.map(\.number) == [1, 2, 3, 5, 6, 7])
        #expect(!table.isProtective)
    }

    @Test func wholeDiskFATBootSectorIsNotAnMBR() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-mbr/whole-fat.img"))
        #expect(!MBRPartitionTable.matches(try disk.read(at: 0, count: 512)))
        let scan = try VolumeScanner.scan([disk])
        #expect(scan.tables.isEmpty)
        #expect(scan.volumes.map(\.origin) == [.wholeDisk])
        #expect(scan.volumes.first?.content == (try Reference.content("volumes-mbr/blkid-whole-fat.txt")))
    }

    @Test func logicalPartitionsAreNumberedFromFiveInChainOrder() throws {
        // Extended at 100 (200 sectors); EBR 1 at 100 → logical at 102; EBR 2 at 150 → logical at 152.
        let mbr = MBRBuilder.sector([(0x83, 10, 50), (0x05, 100, 200)])
        let ebr1: [(UInt8, UInt32, UInt32)] = [(0x83, 2, 40), (0x05, 50, 60)]
        let ebr2: [(UInt8, UInt32, UInt32)] = [(0x82, 2, 20)]
        let d = MBRBuilder.disk(sectors: 400, mbr: mbr, ebrs: [(100, ebr1), (150, ebr2)])
        let t = try MBRPartitionTable(device: MemoryDevice(d))
        let starts: [UInt64] = [10 * 512, 100 * 512, 102 * 512, 152 * 512]
        #expect(t.partitions.map(\.number) == [1, 2, 5, 6])
        #expect(t.partitions.map(\.start) == starts)
        #expect(t.partitions.map(\.type) == ["0x83", "0x05", "0x83", "0x82"])
        #expect(t.partitions[3].uuid == "cafef00d-06")
    }

    @Test func ebrChainLoopIsALoopError() throws {
        let mbr = MBRBuilder.sector([(0x05, 100, 200)])
        // EBR 1 links to EBR 2 (at 150), which links back to EBR 1 (offset 0 of the extended partition).
        let ebr1: [(UInt8, UInt32, UInt32)] = [(0x83, 2, 10), (0x05, 50, 60)]
        let ebr2: [(UInt8, UInt32, UInt32)] = [(0x83, 2, 10), (0x05, 0, 60)]
        let d = MBRBuilder.disk(sectors: 400, mbr: mbr, ebrs: [(100, ebr1), (150, ebr2)])
        let e = try #require(throws: ImageError.self) { try MBRPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .loop)
    }

    @Test func overlongEBRChainIsALimitError() throws {
        // 300 EBRs, each linking to the next sector: more than Linux's 256 partitions.
        let mbr = MBRBuilder.sector([(0x05, 10, 600)])
        let ebrs = (0..<300).map { i -> (Int, [(UInt8, UInt32, UInt32)]) in
            (10 + i, [(0x83, 0, 0), (0x05, UInt32(i + 1), 1)])
        }
        let d = MBRBuilder.disk(sectors: 700, mbr: mbr, ebrs: ebrs)
        let e = try #require(throws: ImageError.self) { try MBRPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .limitExceeded)
    }

    @Test func partitionPastTheDiskIsTruncated() throws {
        let d = MBRBuilder.disk(sectors: 100, mbr: MBRBuilder.sector([(0x83, 10, 200)]))
        let e = try #require(throws: ImageError.self) { try MBRPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .truncated)
        #expect(e.offset == 0x1BE)
    }

    @Test func ebrWithoutSignatureIsBadMagic() throws {
        let mbr = MBRBuilder.sector([(0x05, 100, 200)])
        let ebr: [(UInt8, UInt32, UInt32)] = [(0x83, 2, 10)]
        var d = MBRBuilder.disk(sectors: 400, mbr: mbr, ebrs: [(100, ebr)])
        d[100 * 512 + 511] = 0
        let e = try #require(throws: ImageError.self) { try MBRPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .badMagic)
    }

    @Test func invalidBootIndicatorIsNotAnMBR() {
        var s = MBRBuilder.sector([(0x83, 10, 20)])
        s[0x1BE] = 0x12
        #expect(!MBRPartitionTable.matches(s))
    }
}
