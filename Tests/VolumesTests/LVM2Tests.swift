import BlockIO
import Foundation
import TestSupport
import Testing

@testable import Volumes

@Suite struct LVM2Tests {
    func disks() throws -> [any BlockDevice] {
        [
            try FileDevice(path: try Fixtures.path("volumes-lvm/disk1.img")),
            try FileDevice(path: try Fixtures.path("volumes-lvm/disk2.img")),
        ]
    }

    func report(_ name: String, _ key: String) throws -> [[String: String]] {
        let r = (try Reference.json("volumes-lvm/\(name)")["report"] as? [[String: Any]])?.first
        return (r?[key] as? [[String: String]]) ?? []
    }

    @Test func volumeGroupEqualsWhatLVMReports() throws {
        let scan = try VolumeScanner.scan(try disks())
        let vg = try #require(scan.volumeGroups.first)
        let vgs = try #require(try report("vgs.json", "vg").first)
        #expect(scan.volumeGroups.count == 1)
        #expect(vg.name == vgs["vg_name"])
        #expect(vg.uuid == vgs["vg_uuid"])
        #expect(String(vg.seqno) == vgs["vg_seqno"])
        #expect(String(vg.extentSize) == vgs["vg_extent_size"])
        let pvs = try report("pvs.json", "pv")
        #expect(vg.physicalVolumes.map(\.uuid) == pvs.map { $0["pv_uuid"] ?? "" })
        #expect(vg.physicalVolumes.map { String($0.peStart) } == pvs.map { $0["pe_start"] ?? "" })
        #expect(vg.physicalVolumes.map { String($0.extentCount) } == pvs.map { $0["pv_pe_count"] ?? "" })
        #expect(vg.physicalVolumes.map(\.volume) == ["disk 1 partition 2", "disk 1 partition 3", "disk 2"])

        // lvs --segments: one row per segment, hidden LVs in brackets.
        let segs = try report("lvs.json", "seg")
        var rows: [String] = []
        for lv in vg.logicalVolumes {
            for s in lv.segments {
                let type = s.type == "striped" && s.stripes.count == 1 ? "linear" : s.type
                let layout = s.type == "striped" ? " \(s.stripes.count) \(s.stripeSize)" : ""
                rows.append(
                    "\(lv.isVisible ? lv.name : "[\(lv.name)]") \(lv.uuid) \(type) \(s.startExtent) \(s.extentCount)\(layout)"
                )
            }
        }
        let theirs = segs.map { s in
            let striped = s["segtype"] == "linear" || s["segtype"] == "striped"
            let layout = striped ? " \(s["stripes"] ?? "") \(s["stripe_size"] ?? "")" : ""
            return
                "\(s["lv_name"] ?? "") \(s["lv_uuid"] ?? "") \(s["segtype"] ?? "") \(s["seg_start_pe"] ?? "") \(s["seg_size_pe"] ?? "")\(layout)"
        }
        #expect(rows.sorted() == theirs.sorted())
    }

    @Test func everyReadableLVHasTheBytesLVMMapsIt() throws {
        let scan = try VolumeScanner.scan(try disks())
        let names = ["root", "usr", "var", "data-stripe"]
        for name in names {
            let lv = try #require(scan.volumes.first { $0.origin == .logicalVolume(volumeGroup: "rhel", name: name) })
            let want = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("volumes-lvm/lv-\(name).img")))
            #expect(lv.device.size == UInt64(want.count))
            let got = try lv.device.read(at: 0, count: want.count)
            #expect(got == [UInt8](want), "lv \(name)")
        }
        let lvNames = scan.volumes.compactMap { v -> String? in
            if case .logicalVolume(_, let name) = v.origin { return name } else { return nil }
        }
        #expect(lvNames.sorted() == names.sorted())
    }

    @Test func stripedLVSectorsCarryTheirOwnStamps() throws {
        let scan = try VolumeScanner.scan(try disks())
        let lv = try #require(scan.volumes.first { $0.name == "lv rhel/data-stripe" })
        let bytes = try lv.device.read(at: 0, count: Int(lv.device.size))
        for sector in stride(from: 0, to: bytes.count / 512, by: 1) {
            let stamp = Array("data-stripe:\(sector):".utf8)
            guard Array(bytes[sector * 512..<sector * 512 + stamp.count]) == stamp else {
                Issue.record("sector \(sector) does not carry its stamp")
                return
            }
        }
    }

    @Test func thinPoolAndThinLVAreRefusedByName() throws {
        let scan = try VolumeScanner.scan(try disks())
        #expect(scan.notes.contains("lv rhel/pool: thin pools cannot be read (segment type thin-pool)"))
        #expect(scan.notes.contains("lv rhel/thin: thin volumes cannot be read (segment type thin)"))
        #expect(!scan.volumes.contains { $0.name.hasPrefix("lv rhel/pool") || $0.name == "lv rhel/thin" })
        let pool = scan.volumeGroups.first?.logicalVolumes.first { $0.name == "pool" }
        #expect(pool?.unreadableReason == "thin pools cannot be read (segment type thin-pool)")
    }

    @Test func devicePathsDoubleDashesAsDeviceMapperDoes() throws {
        let scan = try VolumeScanner.scan(try disks())
        #expect(
            scan.volumes.first { $0.name == "lv rhel/data-stripe" }?.devicePaths
                == ["/dev/mapper/rhel-data--stripe", "/dev/rhel/data-stripe"])
        #expect(
            LVM2VolumeGroup.devicePaths(vg: "my-vg", lv: "a-b-c") == ["/dev/mapper/my--vg-a--b--c", "/dev/my-vg/a-b-c"])
    }

    @Test func wrappedMetadataTextOfTheRealPVIsRead() throws {
        // The fixture rewrote the metadata until disk2's committed copy wrapped around its area.
        let wrapped = try String(contentsOfFile: try Fixtures.path("volumes-lvm/wrapped.txt"), encoding: .utf8)
        #expect(wrapped.hasPrefix("wrapped"))
        let disk2 = try FileDevice(path: try Fixtures.path("volumes-lvm/disk2.img"))
        let label = try #require(try LVM2Label.find(in: disk2))
        let area = try #require(label.metadataAreas.first)
        let mda = try LVM2MetadataArea(device: disk2, area: area)
        let md = try LVM2Metadata(text: try #require(mda.text), textOffset: mda.textOffset)
        #expect(String(md.seqno) == (try report("vgs.json", "vg").first?["vg_seqno"]))
    }

    @Test func missingPVIsANoteNamingTheLV() throws {
        let scan = try VolumeScanner.scan([try disks()[0]])
        #expect(scan.notes.contains { $0.hasPrefix("lv rhel/data-stripe: cannot be read: PV pv2") })
        #expect(scan.volumes.contains { $0.name == "lv rhel/root" })
    }

    // MARK: corruptions built from bytes

    @Test func builtPVWithWrappedTextMapsItsLV() throws {
        let text = LVM2Builder.text(lvs: LVM2Builder.linearLV("root", extents: 2, at: 1))
        var d = LVM2Builder.pv(areaSize: 8192, text: text, textOffset: 8192 - 100)
        d.put(Array("marker".utf8), at: (1 << 20) + (1 << 20))
        let scan = try VolumeScanner.scan([MemoryDevice(d)])
        let lv = try #require(scan.volumes.first { $0.name == "lv vg0/root" })
        #expect(lv.device.size == 2 << 20)
        #expect(try lv.device.read(at: 0, count: 6) == Array("marker".utf8))
    }

    @Test func segmentPastThePVIsCorrupt() throws {
        let text = LVM2Builder.text(peCount: 3, lvs: LVM2Builder.linearLV("root", extents: 2, at: 2))
        let e = try #require(throws: ImageError.self) {
            try VolumeScanner.scan([MemoryDevice(LVM2Builder.pv(text: text))])
        }
        #expect(e.kind == .corrupt)
        #expect(e.detail.contains("past the 3 extents of pv0"))
    }

    @Test func segmentPastTheDeviceEndIsCorrupt() throws {
        // pe_count claims 10 extents but the 4 MiB PV holds 3.
        let text = LVM2Builder.text(peCount: 10, lvs: LVM2Builder.linearLV("root", extents: 5))
        let e = try #require(throws: ImageError.self) {
            try VolumeScanner.scan([MemoryDevice(LVM2Builder.pv(text: text))])
        }
        #expect(e.kind == .corrupt)
        #expect(e.detail.contains("past its end"))
    }

    @Test func badLabelCRCIsCorrupt() throws {
        var d = LVM2Builder.pv(text: LVM2Builder.text(lvs: ""))
        d[512 + 70] ^= 1
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(d)]) }
        #expect(e.kind == .corrupt)
        #expect(e.offset == 512 + 16)
    }

    /// A text offset of 2^64-1 trapped (start + offset before the bound); found by the
    /// field-mutation test.
    @Test func metadataTextOffsetNearTheTypeLimitIsCorrupt() throws {
        var d = LVM2Builder.pv(text: LVM2Builder.text(lvs: ""))
        d.put64(.max, at: 4096 + 40)
        d.put32(0, at: 4096)
        d.put32(CRC32.lvm(d[4096 + 4..<4096 + 512]), at: 4096)
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(d)]) }
        #expect(e.kind == .corrupt)
        #expect(e.detail.contains("metadata text offset 18446744073709551615 outside the area"))
        #expect(e.offset == 4096 + 0x28)
    }

    @Test func badMetadataAreaMagicIsBadMagic() throws {
        var d = LVM2Builder.pv(text: LVM2Builder.text(lvs: ""))
        d[4096 + 5] ^= 1
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(d)]) }
        #expect(e.kind == .badMagic)
    }

    @Test func metadataSyntaxErrorNamesTheLine() throws {
        let text = LVM2Builder.text(lvs: "root {\nid = \n}")
        let e = try #require(throws: ImageError.self) {
            try VolumeScanner.scan([MemoryDevice(LVM2Builder.pv(text: text))])
        }
        #expect(e.kind == .corrupt)
        #expect(e.detail.hasPrefix("PV on whole disk: metadata text line 17: expected a value for 'id'"), "\(e.detail)")
    }

    @Test func hugeMetadataSizeIsALimitError() throws {
        var d = LVM2Builder.pv(text: LVM2Builder.text(lvs: ""))
        d.put64(1 << 40, at: 4096 + 48)
        d.put32(CRC32.lvm(d[4100..<4608]), at: 4096)
        let e = try #require(throws: ImageError.self) { try VolumeScanner.scan([MemoryDevice(d)]) }
        #expect(e.kind == .limitExceeded)
    }

    @Test func raidAndMirrorLVsAreRefusedByName() throws {
        let raid = """
            r1 {
            id = "x"
            status = ["READ", "WRITE", "VISIBLE"]
            segment1 { start_extent = 0
            extent_count = 1
            type = "raid1"
            raids = ["r1_rmeta_0", "r1_rimage_0"] }
            }
            m { id = "y"
            status = ["VISIBLE"]
            segment1 { start_extent = 0
            extent_count = 1
            type = "mirror" } }
            """
        let scan = try VolumeScanner.scan([MemoryDevice(LVM2Builder.pv(text: LVM2Builder.text(lvs: raid)))])
        #expect(scan.notes.contains("lv vg0/r1: RAID volumes cannot be read (segment type raid1)"))
        #expect(scan.notes.contains("lv vg0/m: mirror volumes cannot be read (segment type mirror)"))
    }

    @Test func newestSeqnoWins() throws {
        let old = LVM2Builder.text(seqno: 3, lvs: LVM2Builder.linearLV("old", extents: 1))
        let new = LVM2Builder.text(seqno: 4, lvs: LVM2Builder.linearLV("new", extents: 1))
        let a = LVM2Builder.pv(uuid: "PVzzzz0000000000000000000000000z", text: new)
        let b = LVM2Builder.pv(uuid: "PVyyyy0000000000000000000000000y", text: old)
        let scan = try VolumeScanner.scan([MemoryDevice(b), MemoryDevice(a)])
        #expect(scan.volumeGroups.first?.seqno == 4)
        #expect(scan.volumes.contains { $0.name == "lv vg0/new" })
        #expect(scan.notes.contains { $0.contains("belongs to no volume group") })
    }
}
