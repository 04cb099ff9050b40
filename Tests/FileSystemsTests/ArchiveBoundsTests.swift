import BlockIO
import FileSystems
import Testing

/// The bounds on an archive's index (entry name length, all names, declared sizes) and the cost
/// of an archive of many entries that no interest pattern names.
@Suite struct ArchiveBoundsTests {
    /// A pax extended header ('x') setting `path`, then the member it applies to.
    static func paxPath(_ name: String) -> [UInt8] {
        let body = " path=\(name)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length += 1 }
        let record = Array("\(length)\(body)".utf8)
        let tar = ArchiveFileSystemTests.tar([
            ("PaxHeader/x", UInt8(ascii: "x"), record), ("x", UInt8(ascii: "0"), [1]),
        ])
        return tar
    }

    @Test func aNameLongerThanPathMaxIsRefusedByName() throws {
        let name = String(repeating: "d/", count: 2100) + "file"
        let e = try #require(throws: ImageError.self) {
            _ = try ArchiveFileSystem(bytes: Self.paxPath(name), interest: .everything)
        }
        #expect(e.layer == "archive")
        #expect(e.kind == .limitExceeded)
        #expect(e.detail == "entry name of \(name.utf8.count) bytes exceeds the limit of 4096")
        // A long name under the limit is read.
        let fine = String(repeating: "d/", count: 1000) + "file"
        let fs = try ArchiveFileSystem(bytes: Self.paxPath(fine), interest: .everything)
        #expect(try fs.attributes(of: FSPath("/" + fine))?.size == 1)
    }

    @Test func declaredSizesPastSixteenTebibytesAreRefused() throws {
        var tar = ArchiveFileSystemTests.tar([("big", UInt8(ascii: "0"), [])])
        // Base-256 size (a leading 0x80, the value big-endian): 2^45 bytes, then the checksum again.
        let size: UInt64 = 1 << 45
        tar.replaceSubrange(
            124..<136, with: [0x80, 0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: size >> (56 - 8 * UInt64($0))) })
        var sum = 0
        for (i, x) in tar[0..<512].enumerated() { sum += (148..<156).contains(i) ? 32 : Int(x) }
        let s = Array(String(sum, radix: 8).utf8)
        tar.replaceSubrange(148..<156, with: [UInt8](repeating: 0x30, count: 6 - s.count) + s + [0, 0x20])
        let e = try #require(throws: ImageError.self) { _ = try ArchiveFileSystem(bytes: tar, interest: .nothing) }
        #expect(e.kind == .limitExceeded)
        #expect(e.detail == "entries declaring more than 17592186044416 bytes in all")
        #expect(e.offset == 0)
    }

    /// 20,000 empty files in one folder against 400 patterns none of which names that folder:
    /// each entry is one lookup, not 400 glob matches (which took about a millisecond an entry
    /// in a debug build: 20 s here, and minutes for a million-entry tarball).
    @Test func manyEntriesOutsideTheInterestCostALookupEach() throws {
        let count = 20_000
        var members: [(String, UInt8, [UInt8])] = [("rootfs/big/", UInt8(ascii: "5"), [])]
        for i in 0..<count { members.append(("rootfs/big/f\(i)", UInt8(ascii: "0"), [])) }
        let tar = ArchiveFileSystemTests.tar(members)
        let patterns = (0..<200).map { "/etc/conf-\($0).d/*.conf" } + (0..<200).map { "/usr/lib/**/module-\($0)*.ko" }
        let started = ContinuousClock.now
        let fs = try ArchiveFileSystem(bytes: tar, interest: PathInterest(patterns))
        let elapsed = ContinuousClock.now - started
        #expect(try fs.contents(ofDirectory: FSPath("/rootfs/big")).count == count)
        #expect(elapsed < .seconds(30), "\(count) entries took \(elapsed)")
    }

    @Test func theFirstComponentIndexKeepsGlobSemantics() {
        let interest = PathInterest(["/etc/os-release", "/*/lib/os-release", "/usr/lib/modules/**/*.ko", "/"])
        #expect(interest.matches("/etc/os-release"))
        #expect(interest.matches("/usr/lib/os-release"))
        #expect(interest.matches("/opt/lib/os-release"))
        #expect(interest.matches("/usr/lib/modules/6.1/kernel/x.ko"))
        #expect(interest.matches("/"))
        #expect(!interest.matches("/etc/hostname"))
        #expect(!interest.matches("/rootfs/etc/os-release"))
    }
}
