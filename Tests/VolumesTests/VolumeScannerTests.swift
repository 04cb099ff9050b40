import BlockIO
import TestSupport
import Testing

@testable import Volumes

@Suite struct VolumeScannerTests {
    @Test func blankDiskIsOneWholeDiskVolume() throws {
        let scan = try VolumeScanner.scan([MemoryDevice([UInt8](repeating: 0, count: 1 << 20))])
        #expect(scan.volumes.count == 1)
        #expect(scan.volumes.first?.origin == .wholeDisk)
    }

    @Test func thirtyGibibyteDiskCostsMegabytesOfReads() throws {
        // An MBR with one 30 GiB partition whose first 64 KiB are the fixture's ext4 partition 1.
        let total: UInt64 = 30 << 30
        let ext4 = try FileDevice(path: try Fixtures.path("volumes-mbr/mbr.img")).read(at: 2048 * 512, count: 64 << 10)
        let mbr = MBRBuilder.sector([(0x83, 2048, UInt32(total / 512 - 2048))])
        let head = mbr + [UInt8](repeating: 0, count: 2048 * 512 - 512) + ext4
        let counter = ReadCounter()
        let disk = CountingDevice(
            try ConcatDevice([MemoryDevice(head), ZeroDevice(size: total - UInt64(head.count))]),
            counter: counter)
        let scan = try VolumeScanner.scan([disk])
        #expect(scan.volumes.first?.content.type == "ext4")
        #expect(counter.bytes < 3 << 20, "\(counter.bytes) bytes read")
    }

    @Test func layoutIsReportedForInspect() throws {
        let scan = try VolumeScanner.scan([try FileDevice(path: try Fixtures.path("volumes-mbr/mbr.img"))])
        let table = try #require(scan.tables.first)
        #expect(table.scheme == .mbr)
        #expect(table.sectorSize == 512)
        #expect(table.partitions.map(\.type) == ["0x83", "0x82", "0x05", "0x83", "0x0c", "0x8e"])
        #expect(scan.volumes.map(\.origin).allSatisfy { if case .partition = $0 { true } else { false } })
    }

    @Test func lvmErrorsNameThePV() throws {
        var d = LVM2Builder.pv(text: LVM2Builder.text(lvs: ""))
        d[4096 + 5] ^= 1
        let head = MBRBuilder.disk(sectors: 8, mbr: MBRBuilder.sector([(0x8e, 8, UInt32(d.count / 512))]))
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(head + d)]) }
        #expect(e.detail.hasPrefix("PV on partition 1: "), "\(e.detail)")
    }
}

@Suite struct PartitionSchemeChoiceTests {
    @Test func hybridMBRDefersToTheGPT() throws {
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99, name: "gpt-part")])
        d.put(MBRBuilder.sector([(0xEE, 1, 39), (0x83, 40, 60)]), at: 0)
        let scan = try VolumeScanner.scan([MemoryDevice(d)])
        #expect(scan.tables.first?.scheme == .gpt)
        #expect(scan.volumes.map(\.name) == ["partition 1"])
        #expect(scan.notes.isEmpty)
    }

    @Test func gptWithoutProtectiveMBRIsReadAndNoted() throws {
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99)])
        d.replaceSubrange(0..<512, with: [UInt8](repeating: 0, count: 512))
        let scan = try VolumeScanner.scan([MemoryDevice(d)])
        #expect(scan.tables.first?.scheme == .gpt)
        #expect(scan.notes == ["disk 1: GPT found without a protective MBR"])
    }

    @Test func protectiveMBRWithBothGPTHeadersBadIsAnError() throws {
        var d = GPTBuilder.disk(entries: [])
        d[512] = 0
        d[255 * 512] = 0
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(d)]) }
        #expect(e.layer == "gpt")
        #expect(e.kind == .badMagic)
    }

    @Test func staleGPTBehindAnMBRIsIgnoredAsLinuxDoes() throws {
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99)])
        d.put(MBRBuilder.sector([(0x83, 100, 50)]), at: 0)
        let scan = try VolumeScanner.scan([MemoryDevice(d)])
        #expect(scan.tables.first?.scheme == .mbr)
        #expect(scan.volumes.first?.origin == .partition(scan.tables[0].partitions[0]))
    }
}
