import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// Exact corruptions of real FAT images (boot sector, FAT chains, directory entries), each
/// asserting the `ImageError` kind, the `fat` layer and the offset of the bad field.
@Suite struct FATCorruptionTests {
    struct Image {
        var bytes: [UInt8]
        init(_ variant: String) throws {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fat-common/\(variant).img"))))
        }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        mutating func set16(_ o: Int, _ v: Int) {
            bytes[o] = UInt8(v & 0xFF)
            bytes[o + 1] = UInt8(v >> 8 & 0xFF)
        }
        var fatOffset: Int { u16(0x0E) * u16(0x0B) }
        func open() throws -> FATFileSystem { try FATFileSystem(device: MemoryDevice(bytes)) }

        /// Offset of the 32-byte entry of `path` (the reader's inode number is offset / 32 + 2).
        func entryOffset(_ path: String) throws -> Int {
            let a = try #require(try open().attributes(of: FSPath(path)))
            let offset = Int(a.inode - 2) * 32
            return offset
        }
        func firstCluster(_ path: String) throws -> Int { u16(try entryOffset(path) + 0x1A) }
    }

    func expectError(
        _ kind: ImageError.Kind, at offset: Int?, _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: ImageError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.kind == kind, sourceLocation: sourceLocation)
        #expect(error?.layer == "fat", sourceLocation: sourceLocation)
        if let offset {
            #expect(error?.offset == UInt64(offset), "\(String(describing: error))", sourceLocation: sourceLocation)
        }
    }

    @Test func fat32WithFewClustersIsStillFAT32() throws {
        // util-linux's small-fat32.img: FAT32 (BPB_FATSz16 = 0) with fewer than 65525 clusters was
        // refused as "FAT12/16 without root directory entries". Shrink the volume to 60000 clusters.
        var image = try Image("fat32")
        try #require(image.u16(0x16) == 0 && image.u16(0x11) == 0)
        let meta = image.u16(0x0E) + Int(image.bytes[0x10]) * (image.u16(0x24) | image.u16(0x26) << 16)
        let total = meta + 60000 * Int(image.bytes[0x0D])
        image.set16(0x20, total & 0xFFFF)
        image.set16(0x22, total >> 16)
        let names = try image.open().contents(ofDirectory: FSPath("/")).map(\.name)
        #expect(names.contains("etc"))
    }

    @Test func missingBootSignatureIsNotFAT() throws {
        var image = try Image("fat16")
        image.bytes[510] = 0
        #expect(!FATFileSystem.matches(MemoryDevice(image.bytes)))
        expectError(.badMagic, at: 0) { _ = try image.open() }
    }

    @Test func truncatedImageIsRefused() throws {
        let image = try Image("fat32")
        expectError(.truncated, at: 0x13) {
            _ = try FATFileSystem(device: MemoryDevice(Array(image.bytes.prefix(1 << 20))))
        }
    }

    @Test func zeroSectorsPerClusterIsNotFAT() throws {
        var image = try Image("fat12")
        image.bytes[0x0D] = 0
        #expect(!FATFileSystem.matches(MemoryDevice(image.bytes)))
        expectError(.badMagic, at: 0) { _ = try image.open() }
    }

    @Test func metadataLargerThanTheVolumeIsCorrupt() throws {
        var image = try Image("fat16")
        image.set16(0x16, 0xFFFF)  // BPB_FATSz16: two FATs of 32 MiB in a 32 MiB volume
        expectError(.corrupt, at: 0x13) { _ = try image.open() }
    }

    @Test(arguments: ["fat12", "fat16", "fat32"])
    func chainLoopIsDetected(variant: String) throws {
        var image = try Image(variant)
        let first = try image.firstCluster("/files/size-65537")
        // Point the file's second cluster back at its first.
        let second: Int
        let secondEntry: Int
        switch variant {
        case "fat12":
            let at = image.fatOffset + first * 3 / 2
            second = first & 1 == 0 ? image.u16(at) & 0xFFF : image.u16(at) >> 4
            secondEntry = image.fatOffset + second * 3 / 2
            let old = image.u16(secondEntry)
            image.set16(secondEntry, second & 1 == 0 ? (old & 0xF000) | first : (old & 0x000F) | first << 4)
        case "fat16":
            second = image.u16(image.fatOffset + first * 2)
            secondEntry = image.fatOffset + second * 2
            image.set16(secondEntry, first)
        default:
            second = image.u16(image.fatOffset + first * 4)
            secondEntry = image.fatOffset + second * 4
            image.set16(secondEntry, first)
            image.set16(secondEntry + 2, 0)
        }
        expectError(.loop, at: secondEntry) {
            _ = try image.open().contents(of: FSPath("/files/size-65537"), limit: .max)
        }
    }

    @Test func clusterNumberPastTheEndIsCorrupt() throws {
        var image = try Image("fat16")
        let entry = try image.entryOffset("/files/size-4097")
        image.set16(entry + 0x1A, 0xFFF0)
        expectError(.corrupt, at: entry + 0x1A) {
            _ = try image.open().contents(of: FSPath("/files/size-4097"), limit: 10)
        }
    }

    @Test func chainShorterThanTheFileIsCorrupt() throws {
        var image = try Image("fat16")
        let entry = try image.entryOffset("/files/size-60")
        image.set16(entry + 0x1C, 0xFFFF)  // size 65535 with a one-cluster chain
        expectError(.corrupt, at: entry + 0x1C) {
            _ = try image.open().contents(of: FSPath("/files/size-60"), limit: .max)
        }
    }

    @Test func freeClusterInAChainIsCorrupt() throws {
        var image = try Image("fat16")
        let first = try image.firstCluster("/files/size-65537")
        image.set16(image.fatOffset + first * 2, 0)
        expectError(.corrupt, at: image.fatOffset + first * 2) {
            _ = try image.open().contents(of: FSPath("/files/size-65537"), limit: .max)
        }
    }

    /// A long-name entry whose checksum does not match its short entry is ignored, as Linux does.
    @Test func longNameWithWrongChecksumFallsBackToTheShortName() throws {
        var image = try Image("fat16")
        let entry = try image.entryOffset("/case/MixedCase.Txt")
        image.bytes[entry - 32 + 0x0D] ^= 0xFF  // checksum byte of the long entry just before it
        let names = try image.open().contents(ofDirectory: FSPath("/case")).map(\.name)
        #expect(!names.contains("MixedCase.Txt"))
        #expect(names.contains("MIXEDC~1.TXT"))
    }
}
