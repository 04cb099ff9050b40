import BlockIO
import Foundation
import Testing
import Volumes

@testable import Guest

/// A valid volume imagegate does not read is named as libblkid names it (issue 10: util-linux's
/// blkid `images-fs` set said "swap space" and "LVM2 physical volume", not `swap`/`LVM2_member`).
@Suite struct UnreadVolumeNameTests {
    @Test(
        arguments: [
            ("swap", nil, "swap: swap space"),
            ("LVM2_member", nil, "LVM2_member: LVM2 physical volume"),
            ("crypto_LUKS", "2", "crypto_LUKS: encrypted (LUKS2), cannot be inspected offline"),
            ("zfs_member", nil, "zfs_member: no reader for this content"),
            ("bcache", nil, "bcache: no reader for this content"),
        ] as [(String, String?, String)])
    func reasonStartsWithTheBlkidType(type: String, version: String?, reason: String) throws {
        let volume = Volume(
            name: "whole disk", origin: .wholeDisk, device: MemoryDevice([UInt8](repeating: 0, count: 64 << 10)),
            content: VolumeContent(type: type, version: version))
        let found = try GuestImage.probe(volume)
        #expect(found.fileSystem == nil)
        #expect(found.reason == reason)
    }

    @Test func partitionTableWeDoNotReadIsNamedByItsPTTYPE() throws {
        let volume = Volume(
            name: "whole disk", origin: .wholeDisk, device: MemoryDevice([UInt8](repeating: 0, count: 64 << 10)),
            content: VolumeContent(partitionTable: "sun"))
        #expect(try GuestImage.probe(volume).reason == "sun partition table: imagegate does not read it")
    }

    /// A swap area as mkswap writes it (4 KiB pages): the v1 header at 1024, `SWAPSPACE2` at the
    /// end of the first page. libblkid identifies it; the error names it `swap`.
    @Test func swapImageIsNamedSwap() throws {
        var bytes = [UInt8](repeating: 0, count: 40 << 10)
        bytes[1024] = 1  // version 1 (little-endian u32)
        bytes[1028] = 9  // last_page: 10 pages
        bytes.replaceSubrange(4086..<4096, with: Array("SWAPSPACE2".utf8))
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Trees.write(root, "/swap.raw", bytes)
        let error = #expect(throws: ImageError.self) { _ = try GuestImage.open(root + "/swap.raw") }
        #expect(error?.layer == "guest")
        #expect(error?.detail == "no root file system found (whole disk: swap: swap space)")
    }
}
