import BlockIO
import Foundation
import TestSupport
import Testing

@testable import FileSystems

@Suite struct ArchiveFileSystemTests {
    static let interest = PathInterest([
        "/etc/**", "/usr/bin/*", "/var/lib/holes.img", "/usr/lib/modules/**/*.ko", "/usr/share/doc/**",
    ])

    struct Line {
        var type: Character
        var size: UInt64
        var path: String
        var target: String
    }

    /// `find -printf '%y\t%s\t%P\t%l'` of the source tree, recorded by the fixture.
    static func listing() throws -> [Line] {
        let text = try String(contentsOfFile: try Fixtures.path("tar-rootfs/listing.tsv"), encoding: .utf8)
        return text.split(separator: "\n").map { l in
            let f = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Line(type: f[0].first ?? "?", size: UInt64(f[1]) ?? 0, path: f[2], target: f.count > 3 ? f[3] : "")
        }
    }

    @Test(arguments: [
        "rootfs.tar", "rootfs.tar.gz", "rootfs.tar.xz", "rootfs.tar.zst", "rootfs.tar.bz2", "rootfs.cpio",
    ])
    func listingAndBytesEqualTheSourceTreeInOnePass(_ name: String) throws {
        let path = try Fixtures.path("tar-rootfs/\(name)")
        let start = Date()
        let fs = try ArchiveFileSystem(path: path, interest: Self.interest)
        let elapsed = Date().timeIntervalSince(start)
        let fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64
        #expect(fs.passCount == 1)
        #expect(fs.bytesRead == fileSize, "each byte of the archive read exactly once")
        print("archive \(name): one pass, \(fs.bytesRead) bytes read in \(String(format: "%.2f", elapsed)) s")

        let tree = try Fixtures.path("tar-rootfs/tree")
        let lines = try Self.listing()
        var directories: [String: Set<String>] = ["": []]
        for line in lines {
            let p = try FSPath(line.path)
            let parent = p.parent.components.joined(separator: "/")
            directories[parent, default: []].insert(p.name)
            let a = try #require(try fs.attributes(of: p), "\(line.path) missing")
            switch line.type {
            case "f":
                #expect(a.type == .regular, "\(line.path)")
                #expect(a.size == line.size, "\(line.path)")
                // Outside the interest (and not empty), the bytes come from one more pass.
                let passes = fs.passCount
                let wanted = Self.interest.matches("/" + line.path)
                let ours = try fs.contents(of: p, limit: Int.max)
                let theirs = try Array(Data(contentsOf: URL(fileURLWithPath: tree + "/" + line.path)))
                #expect(ours == theirs, "bytes of \(line.path)")
                #expect(fs.passCount == passes + (wanted || line.size == 0 ? 0 : 1), "passes for \(line.path)")
            case "d":
                #expect(a.type == .directory, "\(line.path)")
                directories[line.path, default: []].formUnion([])
            case "l":
                #expect(a.type == .symlink, "\(line.path)")
                #expect(a.size == line.size)
                #expect(try fs.destination(ofSymbolicLink: p) == line.target)
            default:
                Issue.record("unexpected type \(line.type)")
            }
        }
        for (dir, names) in directories {
            let listed = try fs.contents(ofDirectory: try FSPath(dir))
            #expect(Set(listed.map(\.name)) == names, "listing of /\(dir)")
        }
        #expect(try fs.attributes(of: FSPath("/nope")) == nil)
    }

    @Test func hardLinkStaysALinkToTheSameBytes() throws {
        let fs = try ArchiveFileSystem(
            path: try Fixtures.path("tar-rootfs/rootfs.tar.zst"), interest: PathInterest(["/usr/bin/tool"]))
        let link = try FSPath("/usr/bin/tool-hardlink")
        guard case .hardlink(let target)? = fs.nodes[link]?.kind else {
            Issue.record("not kept as a hard link")
            return
        }
        #expect(target == (try FSPath("/usr/bin/tool")))
        #expect(try fs.contents(of: link, limit: 100) == fs.contents(of: try FSPath("/usr/bin/tool"), limit: 100))
    }

    @Test func randomAccessReadsAndTheSizeCap() throws {
        let fs = try ArchiveFileSystem(
            path: try Fixtures.path("tar-rootfs/rootfs.tar.gz"),
            interest: PathInterest(["/var/lib/holes.img", "/usr/bin/tool"]), sizeCap: 4 << 20)
        let holes = try FSPath("/var/lib/holes.img")
        #expect(try fs.read(holes, at: 3 * 1_048_576 - 10, count: 100) == Array("tail".utf8))
        #expect(try fs.read(holes, at: 2 << 20, count: 4) == [0, 0, 0, 0])
        let capped = try ArchiveFileSystem(
            path: try Fixtures.path("tar-rootfs/rootfs.tar.gz"), interest: PathInterest(["/usr/bin/tool"]),
            sizeCap: 1000)
        let tool = try FSPath("/usr/bin/tool")
        #expect(try capped.contents(of: tool, limit: 1000).count == 1000)
        #expect(try capped.attributes(of: tool)?.size == 70000)
        #expect(throws: ImageError.self) { _ = try capped.contents(of: tool, limit: 1001) }
    }

    @Test func initramfsConcatenationIsReadToTheEnd() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("tar-rootfs/initramfs.img"))))
        let segments = try ArchiveStream.initramfsSegments(bytes)
        #expect(segments.count == 2)
        let fs = try ArchiveFileSystem(bytes: bytes, interest: .everything)
        #expect(try fs.contents(of: FSPath("/usr/lib/os-release"), limit: 4) == Array("PRET".utf8))  // early cpio
        #expect(try fs.attributes(of: FSPath("/usr/bin/tool"))?.size == 70000)  // compressed cpio
        #expect(try fs.destination(ofSymbolicLink: FSPath("/etc/os-release")) == "../usr/lib/os-release")
        #expect(
            fs.bytesRead <= UInt64(bytes.count) && fs.bytesRead + 512 > UInt64(bytes.count),
            "zero padding between archives is skipped")
    }

    @Test func matchesArchivesOnly() throws {
        func matches(_ name: String) throws -> Bool {
            try ArchiveFileSystem.matches(try FileDevice(path: try Fixtures.path("tar-rootfs/\(name)")))
        }
        for name in ["rootfs.tar", "rootfs.tar.xz", "rootfs.cpio", "rootfs.tar.bz2"] {
            #expect(try matches(name))
        }
        #expect(try !matches("disk.raw"))
        #expect(try !matches("listing.tsv"))
    }

    /// A ustar archive built here (names, one type each).
    static func tar(_ members: [(String, UInt8, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, type, given) in members {
            // Links ('1' hard, '2' symbolic): the bytes given are the link target, and there is no data.
            let isLink = type == UInt8(ascii: "1") || type == UInt8(ascii: "2")
            let data = isLink ? [] : given
            var h = [UInt8](repeating: 0, count: 512)
            if isLink { h.replaceSubrange(157..<157 + given.count, with: given) }
            h.replaceSubrange(0..<name.utf8.count, with: Array(name.utf8))
            let octal = Array(String(data.count, radix: 8).utf8)
            h.replaceSubrange(124..<136, with: [UInt8](repeating: 0x30, count: 11 - octal.count) + octal + [0])
            h.replaceSubrange(100..<108, with: Array("0000644\0".utf8))
            h.replaceSubrange(136..<148, with: Array("00000000000\0".utf8))
            h[156] = type
            h.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
            h.replaceSubrange(263..<265, with: Array("00".utf8))
            var sum = 0
            for (i, x) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(x) }
            let s = Array(String(sum, radix: 8).utf8)
            h.replaceSubrange(148..<156, with: [UInt8](repeating: 0x30, count: 6 - s.count) + s + [0, 0x20])
            out += h + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    @Test func duplicatesLaterWinsAndDotSlashPrefixes() throws {
        let bytes = Self.tar([
            ("./etc/x", UInt8(ascii: "0"), Array("old".utf8)), ("etc/x", UInt8(ascii: "0"), Array("newer".utf8)),
            ("./a/b/c", UInt8(ascii: "0"), [1]),
        ])
        let fs = try ArchiveFileSystem(bytes: bytes, interest: .everything)
        #expect(try fs.contents(of: FSPath("/etc/x"), limit: 100) == Array("newer".utf8))
        #expect(try fs.contents(ofDirectory: FSPath("/a")).map(\.name) == ["b"])
        #expect(try fs.attributes(of: FSPath("/a/b"))?.type == .directory)
        #expect(Set(try fs.contents(ofDirectory: .root).map(\.name)) == ["etc", "a"])
    }

    @Test func danglingHardLinkIsCorrupt() throws {
        let bytes = Self.tar([("etc/link", UInt8(ascii: "1"), Array("etc/missing".utf8))])
        let fs = try ArchiveFileSystem(bytes: bytes, interest: .everything)
        #expect(throws: ImageError.self) { _ = try fs.attributes(of: FSPath("/etc/link")) }
    }

    @Test func entryClimbingOutOfTheRootIsRefused() {
        let bytes = Self.tar([("../../etc/shadow", UInt8(ascii: "0"), [1])])
        #expect(throws: ImageError.self) { _ = try ArchiveFileSystem(bytes: bytes, interest: .everything) }
    }

    @Test func truncatedMember() throws {
        let full = Self.tar([
            ("a", UInt8(ascii: "0"), [UInt8](repeating: 1, count: 600)),
            ("b", UInt8(ascii: "0"), [UInt8](repeating: 2, count: 5000)),
        ])
        let cut = Array(full.prefix(512 + 1024 + 512 + 1000))
        do {
            _ = try ArchiveFileSystem(bytes: cut, interest: .everything)
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.kind == .truncated, "\(e)")
            #expect(e.layer == "archive")
            #expect(e.offset == 1536, "\(e)")  // the header of "b"
        }
    }

    @Test func truncatedCompressedTarball() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("tar-rootfs/rootfs.tar.zst"))))
        #expect(throws: ImageError.self) {
            _ = try ArchiveFileSystem(bytes: Array(bytes.prefix(bytes.count / 2)), interest: .everything)
        }
    }
}

@Suite struct PathInterestTests {
    @Test func globs() {
        let i = PathInterest([
            "/etc/*.conf", "/usr/lib/modules/**/mlx*.ko", "/etc/udev/rules.d/[0-9]?-*.rules", "/boot/**",
            "etc/hostname",
        ])
        #expect(i.matches("/etc/resolv.conf"))
        #expect(!i.matches("/etc/sub/resolv.conf"))
        #expect(i.matches("/usr/lib/modules/6.1/kernel/drivers/net/mlx5_core.ko"))
        #expect(i.matches("/usr/lib/modules/mlx4.ko"))
        #expect(!i.matches("/usr/lib/modules/6.1/e1000.ko"))
        #expect(i.matches("/etc/udev/rules.d/70-persistent-net.rules"))
        #expect(!i.matches("/etc/udev/rules.d/x0-persistent-net.rules"))
        #expect(i.matches("/boot/grub/grub.cfg"))
        #expect(i.matches("/boot"))
        #expect(i.matches("/etc/hostname"))
        #expect(!PathInterest.nothing.matches("/etc/hostname"))
        #expect(PathInterest.everything.matches("/a/b/c"))
        #expect(PathInterest(["/x/[!a]"]).matches("/x/b"))
        #expect(!PathInterest(["/x/[!a]"]).matches("/x/a"))
        #expect(PathInterest(["/x/[ab"]).matches("/x/[ab"))
    }
}

@Suite struct ArchiveMutationTests {
    @Test func mutatedTarAndCpioNeverCrash() throws {
        for name in ["rootfs.tar", "rootfs.cpio", "initramfs.img"] {
            let all = try Array(Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("tar-rootfs/\(name)"))))
            let base = Array(all.prefix(96 << 10))
            var state: UInt64 = 7
            for _ in 0..<100 {
                var bytes = base
                for _ in 0..<4 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let at = Int((state >> 33) % UInt64(min(bytes.count, 8192)))
                    bytes[at] = UInt8(truncatingIfNeeded: state >> 20)
                }
                guard let fs = try? ArchiveFileSystem(bytes: bytes, interest: .everything, sizeCap: 1 << 16) else {
                    continue
                }
                for e in (try? fs.contents(ofDirectory: .root)) ?? [] {
                    if let p = try? FSPath.root.appending(e.name) { _ = try? fs.contents(of: p, limit: 100) }
                }
            }
        }
    }
}
