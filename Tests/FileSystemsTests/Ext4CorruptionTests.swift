import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// A copy of a real ext4 fixture in memory, with helpers to find and patch on-disk fields
/// (computed here independently of the reader, from the spec's offsets).
struct Ext4Bytes {
    var bytes: [UInt8]

    init(_ variant: String) throws {
        bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ext4-common/\(variant).img"))))
    }

    func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
    func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
    mutating func set16(_ o: Int, _ v: Int) {
        bytes[o] = UInt8(v & 0xFF)
        bytes[o + 1] = UInt8(v >> 8 & 0xFF)
    }
    mutating func set32(_ o: Int, _ v: Int) {
        set16(o, v & 0xFFFF)
        set16(o + 2, v >> 16 & 0xFFFF)
    }

    var blockSize: Int { 1024 << u32(1024 + 0x18) }
    var inodesCount: Int { u32(1024) }

    /// Byte offset of inode `n`, through the group descriptor table.
    func inodeOffset(_ n: Int) -> Int {
        let perGroup = u32(1024 + 0x28)
        let inodeSize = u16(1024 + 0x58)
        let is64 = u32(1024 + 0x60) & 0x80 != 0
        let descSize = is64 ? u16(1024 + 0xFE) : 32
        let gdt = (u32(1024 + 0x14) + 1) * blockSize + (n - 1) / perGroup * descSize
        let table = u32(gdt + 8) | (is64 ? u32(gdt + 0x28) << 32 : 0)
        return table * blockSize + (n - 1) % perGroup * inodeSize
    }

    /// First physical block of an extent-mapped inode whose tree has depth 0.
    func firstExtentBlock(ofInode n: Int) -> Int {
        let iblock = inodeOffset(n) + 0x28
        return u32(iblock + 12 + 8) | u16(iblock + 12 + 6) << 32
    }

    /// CRC32C (reflected 0x82F63B78) without the final inversion, as ext4 uses it.
    static func crc32c(_ seed: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = seed
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc
    }

    /// Recomputes `s_checksum` (CRC32C of the first 0x3FC bytes, seed ~0).
    mutating func resignSuperblock() {
        set32(1024 + 0x3FC, Int(Self.crc32c(0xFFFF_FFFF, bytes[1024..<(1024 + 0x3FC)])))
    }

    /// Recomputes an inode's checksum after a patch (seed: CRC32C of the UUID, then the inode
    /// number and generation; both checksum halves counted as zero).
    mutating func resignInode(_ n: Int) {
        let at = inodeOffset(n)
        let size = u16(1024 + 0x58)
        let hasHigh = size > 128 && u16(at + 0x80) >= 4
        set16(at + 0x7C, 0)
        if hasHigh { set16(at + 0x82, 0) }
        let le = { (v: Int) in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var crc = Self.crc32c(0xFFFF_FFFF, bytes[(1024 + 0x68)..<(1024 + 0x78)])
        crc = Self.crc32c(crc, le(n))
        crc = Self.crc32c(crc, le(u32(at + 0x64)))
        crc = Self.crc32c(crc, bytes[at..<(at + size)])
        set16(at + 0x7C, Int(crc & 0xFFFF))
        if hasHigh { set16(at + 0x82, Int(crc >> 16)) }
    }

    func open() throws -> Ext4FileSystem { try Ext4FileSystem(device: MemoryDevice(bytes)) }
}

/// Exact corruptions of real ext4 images: each gives an `ImageError` of the expected kind that
/// names the ext4 layer and the offset of the bad field.
@Suite struct Ext4CorruptionTests {
    func inodeNumber(_ image: Ext4Bytes, _ path: String) throws -> Int {
        Int(try #require(try image.open().attributes(of: FSPath(path))).inode)
    }

    func expectError(
        _ kind: ImageError.Kind, at offset: Int?, _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: ImageError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.kind == kind, sourceLocation: sourceLocation)
        #expect(error?.layer == "ext4", sourceLocation: sourceLocation)
        if let offset {
            #expect(error?.offset == UInt64(offset), "\(String(describing: error))", sourceLocation: sourceLocation)
        }
    }

    @Test func badSuperblockMagicIsNotExt4() throws {
        var image = try Ext4Bytes("ext3")
        image.bytes[1024 + 0x38] = 0x54
        #expect(!Ext4FileSystem.matches(MemoryDevice(image.bytes)))
        expectError(.badMagic, at: 1024 + 0x38) { _ = try image.open() }
    }

    @Test func unknownIncompatibleFeatureIsRefusedByName() throws {
        var image = try Ext4Bytes("ext4")
        image.set32(1024 + 0x60, image.u32(1024 + 0x60) | 1 << 31)
        image.resignSuperblock()
        let error = #expect(throws: ImageError.self) { _ = try image.open() }
        #expect(error?.kind == .unsupported)
        #expect(error?.offset == 1024 + 0x60)
        #expect(error?.detail.contains("FEATURE_I31") == true)
    }

    @Test func blockCountAtTheTypeLimitIsAnErrorNotATrap() throws {
        // Issue 10: rounding the group count up with `+ blocksPerGroup - 1` overflowed at 2^64 − 1.
        var image = try Ext4Bytes("ext4")
        try #require(image.u32(1024 + 0x60) & 0x80 != 0, "the fixture is expected to have the 64bit feature")
        image.set32(1024 + 0x04, 0xFFFF_FFFF)
        image.set32(1024 + 0x150, 0xFFFF_FFFF)
        image.resignSuperblock()
        let error = #expect(throws: ImageError.self) { _ = try image.open() }
        #expect(error?.layer == "ext4")
    }

    @Test func bigallocIsRefusedByName() throws {
        // Was "blocks per group 131072": with bigalloc the group size counts clusters.
        var image = try Ext4Bytes("ext4")
        image.set32(1024 + 0x64, image.u32(1024 + 0x64) | 0x200)
        image.set32(1024 + 0x20, 131_072)
        image.resignSuperblock()
        let error = #expect(throws: ImageError.self) { _ = try image.open() }
        #expect(error?.kind == .unsupported)
        #expect(error?.offset == 1024 + 0x64)
        #expect(error?.detail.contains("bigalloc") == true)
    }

    @Test func wrongSuperblockChecksumIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        image.bytes[1024 + 0x78] ^= 0xFF  // the label
        expectError(.corrupt, at: 1024 + 0x3FC) { _ = try image.open() }
    }

    @Test func wrongInodeChecksumIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/etc/hostname")
        image.bytes[image.inodeOffset(ino) + 0x10] ^= 0x01  // i_mtime
        expectError(.corrupt, at: image.inodeOffset(ino) + 0x7C) {
            _ = try image.open().attributes(of: FSPath("/etc/hostname"))
        }
        image.resignInode(ino)
        #expect(try image.open().attributes(of: FSPath("/etc/hostname"))?.type == .regular)
    }

    @Test func groupDescriptorTablePastTheEndIsRefusedAtOpen() throws {
        // 1 KiB blocks, 1024-byte descriptors, one block per group: the table needs more blocks than exist.
        var image = try Ext4Bytes("ext4-1k")
        image.set16(1024 + 0xFE, 1024)
        image.set32(1024 + 0x20, 1)
        image.resignSuperblock()
        expectError(.truncated, at: 2 * 1024) { _ = try image.open() }
    }

    @Test func truncatedImageIsRefusedAtOpen() throws {
        let image = try Ext4Bytes("ext4")
        let error = #expect(throws: ImageError.self) {
            _ = try Ext4FileSystem(device: MemoryDevice(Array(image.bytes.prefix(1 << 20))))
        }
        #expect(error?.kind == .truncated)
    }

    @Test func wrongExtentHeaderMagicIsBadMagic() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/files/size-4097")
        let at = image.inodeOffset(ino) + 0x28
        image.set16(at, 0x1234)
        image.resignInode(ino)
        expectError(.badMagic, at: at) { _ = try image.open().contents(of: FSPath("/files/size-4097"), limit: 10) }
    }

    @Test func extentDepthThirtyIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/files/size-4097")
        let at = image.inodeOffset(ino) + 0x28
        image.set16(at + 6, 30)
        image.resignInode(ino)
        expectError(.corrupt, at: at + 6) { _ = try image.open().contents(of: FSPath("/files/size-4097"), limit: 10) }
    }

    @Test func extentPastTheEndOfTheDeviceIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/files/size-4097")
        let extent = image.inodeOffset(ino) + 0x28 + 12
        image.set32(extent + 8, 0x00FF_FF00)
        image.resignInode(ino)
        expectError(.corrupt, at: extent) {
            _ = try image.open().read(FSPath("/files/size-4097"), at: 4000, count: 10)
        }
    }

    @Test func extentTreeLoopIsDetected() throws {
        var image = try Ext4Bytes("deep")
        let ino = try inodeNumber(image, "/deep")
        let root = image.inodeOffset(ino) + 0x28
        #expect(image.u16(root + 6) == 2)
        let child = image.u32(root + 12 + 4)  // ei_leaf_lo of the root's first index entry
        let node = child * image.blockSize
        #expect(image.u16(node) == 0xF30A && image.u16(node + 6) == 1)
        image.set32(node + 12 + 4, child)  // its first entry now points back at itself
        expectError(.loop, at: node + 12) { _ = try image.open().read(FSPath("/deep"), at: 0, count: 10) }
    }

    @Test func directoryRecordLengthZeroIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let block = image.firstExtentBlock(ofInode: try inodeNumber(image, "/etc")) * image.blockSize
        image.set16(block + 4, 0)
        expectError(.corrupt, at: block + 4) { _ = try image.open().contents(ofDirectory: FSPath("/etc")) }
    }

    @Test func directoryRecordPastTheBlockIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let block = image.firstExtentBlock(ofInode: try inodeNumber(image, "/etc")) * image.blockSize
        image.set16(block + 4, image.blockSize + 12)
        expectError(.corrupt, at: block + 4) { _ = try image.open().attributes(of: FSPath("/etc/hostname")) }
    }

    /// Walks the records of one directory block and returns the offset of the record named `name`.
    func record(named name: String, inBlockAt block: Int, of image: Ext4Bytes) throws -> Int {
        var p = block
        while p < block + image.blockSize {
            let length = image.u16(p + 4)
            let nameLength = Int(image.bytes[p + 6])
            if String(decoding: image.bytes[(p + 8)..<(p + 8 + nameLength)], as: UTF8.self) == name { return p }
            guard length > 0 else { break }
            p += length
        }
        throw ImageError("test", .notFound, "no record \(name)")
    }

    @Test func inodeNumberPastTheInodeCountIsCorrupt() throws {
        var image = try Ext4Bytes("ext4")
        let block = image.firstExtentBlock(ofInode: try inodeNumber(image, "/etc")) * image.blockSize
        let at = try record(named: "hostname", inBlockAt: block, of: image)
        image.set32(at, image.inodesCount + 1)
        expectError(.corrupt, at: at) { _ = try image.open().contents(ofDirectory: FSPath("/etc")) }
    }

    /// Inode 0 marks an unused record (the spec): the name is simply gone.
    @Test func inodeNumberZeroHidesTheRecord() throws {
        var image = try Ext4Bytes("ext4")
        let block = image.firstExtentBlock(ofInode: try inodeNumber(image, "/etc")) * image.blockSize
        let at = try record(named: "hostname", inBlockAt: block, of: image)
        image.set32(at, 0)
        let fs = try image.open()
        #expect(try fs.attributes(of: FSPath("/etc/hostname")) == nil)
        #expect(try fs.attributes(of: FSPath("/etc/os-release")) != nil)
    }

    /// A directory whose size claims gigabytes is refused; one whose extra size is a hole costs
    /// nothing (found by the fuzzer: a 4 GiB root directory took seconds of zero-filling).
    @Test func hugeDirectorySizeIsBounded() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/etc")
        image.set32(image.inodeOffset(ino) + 4, 0xFF00_0000)
        image.resignInode(ino)
        expectError(.limitExceeded, at: image.inodeOffset(ino) + 4) {
            _ = try image.open().contents(ofDirectory: FSPath("/etc"))
        }
        image.set32(image.inodeOffset(ino) + 4, 200 << 20)
        image.resignInode(ino)
        let counter = ReadCounter()
        let fs = try Ext4FileSystem(device: CountingDevice(MemoryDevice(image.bytes), counter: counter))
        #expect(try fs.contents(ofDirectory: FSPath("/etc")).count == 2)
        #expect(counter.bytes < 64 << 10)
    }

    @Test func indirectBlockPointerPastTheEndIsCorrupt() throws {
        var image = try Ext4Bytes("ext3")
        let ino = try inodeNumber(image, "/files/size-4097")
        let pointer = image.inodeOffset(ino) + 0x28 + 4  // i_block[1]
        image.set32(pointer, 0x7FFF_FFFF)
        expectError(.corrupt, at: pointer) {
            _ = try image.open().contents(of: FSPath("/files/size-4097"), limit: 5000)
        }
    }

    @Test func hugeSymlinkSizeIsRefused() throws {
        var image = try Ext4Bytes("ext4")
        let ino = try inodeNumber(image, "/links/long")
        image.set32(image.inodeOffset(ino) + 4, 1 << 30)
        image.resignInode(ino)
        expectError(.limitExceeded, at: image.inodeOffset(ino) + 4) {
            _ = try image.open().destination(ofSymbolicLink: FSPath("/links/long"))
        }
    }
}
