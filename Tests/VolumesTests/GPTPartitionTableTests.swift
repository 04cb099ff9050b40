import BlockIO
import TestSupport
import Testing

@testable import Volumes

@Suite struct GPTPartitionTableTests {
    /// Checks `table` against sfdisk's JSON listing of the same disk.
    func expectEqualsSfdisk(_ table: GPTPartitionTable, _ name: String) throws {
        let (ref, parts) = try Reference.sfdiskPartitions(name)
        #expect(table.diskGUID == (ref["id"] as? String)?.lowercased())
        #expect(table.sectorSize == UInt64(ref["sectorsize"] as? Int ?? 0))
        #expect(table.partitions.count == parts.count)
        for (ours, theirs) in zip(table.partitions, parts) {
            #expect((theirs["node"] as? String)?.hasSuffix("\(ours.number)") == true)
            #expect(ours.start == UInt64(theirs["start"] as? Int ?? -1) * table.sectorSize)
            #expect(ours.size == UInt64(theirs["size"] as? Int ?? -1) * table.sectorSize)
            #expect(ours.type == (theirs["type"] as? String)?.lowercased())
            #expect(ours.uuid == (theirs["uuid"] as? String)?.lowercased())
            #expect(ours.name == theirs["name"] as? String)
        }
    }

    @Test func partitionsEqualWhatSfdiskPrints() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-gpt/gpt.img"))
        let t = try GPTPartitionTable(device: disk)
        try expectEqualsSfdisk(t, "volumes-gpt/sfdisk.json")
        #expect(t.primaryDamage == nil)
        #expect(t.partitions.map(\.name) == ["EFI System Partition", "root", "swap", "crypt", "BIOS boot"])
        #expect(t.diskGUID == "5a1e0000-0000-4000-8000-00000000d15c")
    }

    @Test func sgdiskListingNamesTheSameStartsAndNames() throws {
        // sgdisk -p: "   1            2048           18431   8.0 MiB     EF00  EFI System Partition"
        let text = try String(contentsOfFile: try Fixtures.path("volumes-gpt/sgdisk-p.txt"), encoding: .utf8)
        let t = try GPTPartitionTable(device: try FileDevice(path: try Fixtures.path("volumes-gpt/gpt.img")))
        let rows = text.split(separator: "\n").filter {
            $0.first == " " && $0.split(separator: " ").first.flatMap { Int($0) } != nil
        }
        #expect(rows.count == t.partitions.count)
        for (row, p) in zip(rows, t.partitions) {
            let f = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(Int(f[0]) == p.number)
            #expect(UInt64(f[1]).map { $0 * 512 } == p.start)
            #expect(UInt64(f[2]).map { ($0 + 1) * 512 } == p.start + p.size)
            #expect(f[6...].joined(separator: " ") == p.name)
        }
    }

    @Test func fourKibibyteSectorsAreDetected() throws {
        let t = try GPTPartitionTable(device: try FileDevice(path: try Fixtures.path("volumes-gpt/gpt4k.img")))
        #expect(t.sectorSize == 4096)
        try expectEqualsSfdisk(t, "volumes-gpt/sfdisk4k.json")
    }

    @Test func damagedPrimaryHeaderFallsBackToTheBackup() throws {
        let disk = try FileDevice(path: try Fixtures.path("volumes-gpt/gpt-damaged.img"))
        let t = try GPTPartitionTable(device: disk)
        try expectEqualsSfdisk(t, "volumes-gpt/sfdisk.json")
        #expect(t.primaryDamage?.kind == .corrupt)
        #expect(t.headerLBA == disk.size / 512 - 1)
        let scan = try VolumeScanner.scan([disk])
        #expect(scan.tables.first?.usedBackupHeader == true)
        #expect(scan.notes.contains { $0.contains("GPT primary copy damaged") && $0.contains("header CRC32") })
    }

    @Test func damagedPrimaryEntryArrayFallsBackToTheBackup() throws {
        let t = try GPTPartitionTable(device: try FileDevice(path: try Fixtures.path("volumes-gpt/gpt-badentries.img")))
        try expectEqualsSfdisk(t, "volumes-gpt/sfdisk.json")
        #expect(t.primaryDamage?.detail.contains("entry array CRC32") == true)
    }

    @Test func builtDiskReadsBackEntriesAndNames() throws {
        let d = GPTBuilder.disk(entries: [
            .init(first: 40, last: 99, name: "alpha"), .init(first: 100, last: 199, name: "β"),
        ])
        let t = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(t.partitions.map(\.start) == [40 * 512, 100 * 512])
        #expect(t.partitions.map(\.name) == ["alpha", "β"])
        #expect(t.partitions[0].type == "0fc63daf-8483-4772-8e79-3d69d8477de4")
        #expect(t.partitions[0].uuid == "04030201-0605-0807-090a-0b0c0d0e0f10")
        #expect(t.diskGUID == "43424140-4544-4746-4849-4a4b4c4d4e4f")
    }

    @Test func bothHeadersBadIsCorrupt() throws {
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99)])
        d[512 + 0x20] ^= 0xFF
        d[255 * 512 + 0x20] ^= 0xFF
        let e = try #require(throws: ImageError.self) { try GPTPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .corrupt)
        #expect(e.detail.contains("backup header invalid"))
        #expect(e.offset == 512 + 0x10)
    }

    @Test func hugeEntryCountIsALimitErrorAndTheBackupIsUsed() throws {
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99)])
        d.put32(0x00FF_FFFF, at: 512 + 0x50)
        GPTBuilder.reseal(&d, lba: 1)
        let t = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(t.primaryDamage?.kind == .limitExceeded)
        d.put32(0x00FF_FFFF, at: 255 * 512 + 0x50)
        GPTBuilder.reseal(&d, lba: 255)
        let e = try #require(throws: ImageError.self) { try GPTPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .limitExceeded)
    }

    @Test func entryPastTheDiskIsTruncated() throws {
        let d = GPTBuilder.disk(entries: [.init(first: 40, last: 9999)])
        let e = try #require(throws: ImageError.self) { try GPTPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .truncated)
    }

    @Test func wrongMyLBAIsCorrupt() throws {
        var d = GPTBuilder.disk(entries: [])
        d.put64(7, at: 512 + 0x18)
        GPTBuilder.reseal(&d, lba: 1)
        let t = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(t.primaryDamage?.detail.contains("says it is at LBA 7") == true)
    }

    @Test func lastUsableLBAAtTheTypeLimitDoesNotTrap() throws {
        // Issue 10: `lastUsableLBA + 1` overflowed when the field holds 2^64 − 1.
        var d = GPTBuilder.disk(entries: [.init(first: 40, last: 99)])
        d.put64(UInt64.max, at: 512 + 0x30)
        GPTBuilder.reseal(&d, lba: 1)
        let t = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(t.partitions.map(\.start) == [40 * 512])
        d.put64(UInt64.max, at: 255 * 512 + 0x30)
        GPTBuilder.reseal(&d, lba: 255)
        do {
            let both = try GPTPartitionTable(device: MemoryDevice(d))
            #expect(both.partitions.map(\.start) == [40 * 512])
        } catch let e as ImageError {
            #expect(e.layer == "gpt")
        }
    }

    @Test func firstUsableJustPastLastUsableIsAnEmptyRange() throws {
        var d = GPTBuilder.disk(entries: [])
        d.put64(0, at: 512 + 0x30)
        d.put64(1, at: 512 + 0x28)
        GPTBuilder.reseal(&d, lba: 1)
        let t = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(t.primaryDamage == nil)
        d.put64(2, at: 512 + 0x28)
        GPTBuilder.reseal(&d, lba: 1)
        let damaged = try GPTPartitionTable(device: MemoryDevice(d))
        #expect(damaged.primaryDamage?.detail.contains("first usable LBA 2 after last usable 0") == true)
    }

    @Test func truncatedDiskIsTruncated() throws {
        let d = Array(GPTBuilder.disk(entries: [])[0..<1024])
        let e = try #require(throws: ImageError.self) { try GPTPartitionTable(device: MemoryDevice(d)) }
        #expect(e.kind == .truncated)
    }
}
