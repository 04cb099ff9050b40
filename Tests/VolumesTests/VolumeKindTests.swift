import Foundation
import Testing

@testable import Volumes

@Suite struct VolumeKindTests {
    @Test func contentKindsFromBlkidTypes() {
        #expect(VolumeContent().kind == .unknown)
        #expect(VolumeContent(type: "crypto_LUKS", version: "2").kind == .encrypted)
        #expect(VolumeContent(type: "swap").kind == .swap)
        #expect(VolumeContent(type: "LVM2_member").kind == .lvm2PhysicalVolume)
        #expect(VolumeContent(type: "ext4").kind == .other)
    }

    @Test func extendedAndProtectiveMBREntriesAreContainers() throws {
        func mbr(_ type: String) -> Partition { Partition(scheme: .mbr, number: 1, start: 512, size: 512, type: type) }
        for t in ["0x05", "0x0f", "0x85", "0xee"] { #expect(mbr(t).isContainer, "\(t)") }
        for t in ["0x83", "0x8e", "0x07", "0xef", "bogus", "0x"] { #expect(!mbr(t).isContainer, "\(t)") }
        let gpt = Partition(scheme: .gpt, number: 1, start: 512, size: 512, type: "0x05")
        #expect(!gpt.isContainer)
        // Still encoded as before: no new key.
        let json = String(decoding: try JSONEncoder().encode(mbr("0x05")), as: UTF8.self)
        #expect(!json.contains("isContainer"))
    }
}
