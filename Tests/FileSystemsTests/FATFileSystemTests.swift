import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// FAT12/16/32 images built by `images/fixtures/fat-common.sh` (mkfs.fat + mcopy), compared with
/// mdir and with whole reads (the listing, identity and lookups every file system shares:
/// FileSystemContractTests).
@Suite struct FATFileSystemTests {
    static let variants = ["fat12", "fat16", "fat32"]

    static func open(_ variant: String) throws -> FATFileSystem {
        try FATFileSystem(device: FileDevice(path: Fixtures.path("fat-common/\(variant).img")))
    }

    /// Names are found whatever their case, and by their 8.3 alias, as Linux vfat does.
    @Test(arguments: variants)
    func lookupIsCaseInsensitiveAndKnowsShortAliases(variant: String) throws {
        let fs = try Self.open(variant)
        let hostname = try fs.contents(of: FSPath("/etc/hostname"), limit: 100)
        #expect(try fs.contents(of: FSPath("/ETC/HOSTNAME"), limit: 100) == hostname)
        #expect(try fs.contents(of: FSPath("/Etc/HostName"), limit: 100) == hostname)
        #expect(try fs.attributes(of: FSPath("/case/MIXEDC~1.TXT"))?.size == 14)
        #expect(try fs.attributes(of: FSPath("/case/mixedcase.txt"))?.size == 14)
        let names = Set(try fs.contents(ofDirectory: FSPath("/case")).map(\.name))
        #expect(names.isSuperset(of: ["lower.txt", "UPPER.TXT", "lowbase.TXT", "UPBASE.txt", "MixedCase.Txt", "a.b"]))
        #expect(names.contains("caf\u{E9}.txt"))
    }

    /// The `mdir -a ::/case` listing (sizes by name) agrees with ours.
    @Test(arguments: variants)
    func sizesMatchMdir(variant: String) throws {
        let fs = try Self.open(variant)
        let text = try String(contentsOfFile: Fixtures.path("fat-common/\(variant).case.mdir"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where line.count > 24 && !line.contains("<DIR>") {
            // "ALONGN~1 TEX        42 2023-11-14  22:13  a long name with several words in it.text"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let dateIndex = fields.firstIndex(where: { $0.count == 10 && $0.dropFirst(4).first == "-" }),
                dateIndex >= 1, let size = UInt64(fields[dateIndex - 1])
            else { continue }
            let short = fields[0..<dateIndex - 1].joined(separator: ".")
            let a = try #require(try fs.attributes(of: FSPath("/case/\(short)")), "\(short)")
            #expect(a.size == size, "\(short)")
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test(arguments: ["fat16", "fat32"])
    func randomReadsMatchWholeReads(variant: String) throws {
        let fs = try Self.open(variant)
        let path = try FSPath("/files/sparse")
        let all = try fs.contents(of: path, limit: .max)
        #expect(all.count == 8 << 20)
        for (offset, count) in [(0, 6000), (4990, 20), (6_000_000, 5000), (4_194_300, 70010), (8_388_600, 100)] {
            #expect(try fs.read(path, at: UInt64(offset), count: count) == Array(all[offset...].prefix(count)))
        }
    }

    @Test func readingOneFileReadsLittle() throws {
        let counter = ReadCounter()
        let device = CountingDevice(try FileDevice(path: Fixtures.path("fat-common/fat32.img")), counter: counter)
        let fs = try FATFileSystem(device: device)
        _ = try fs.contents(of: FSPath("/etc/os-release"), limit: 1 << 20)
        #expect(counter.bytes < 32 << 10)
    }
}
