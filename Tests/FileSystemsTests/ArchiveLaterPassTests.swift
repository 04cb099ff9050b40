import BlockIO
import Foundation
import Testing

@testable import FileSystems

/// Bytes the first pass did not keep come from a later pass over the archive, up to the entry:
/// tarballs built here with `tar` (GNU tar, as a rootfs is usually packed).
@Suite struct ArchiveLaterPassTests {
    /// A tree with a file outside the interest, a link of each kind to it, a file larger than the
    /// cap, and one inside the interest; packed as `name` (tar decides the compression by it).
    static func archive(_ name: String) throws -> (archive: String, tree: String) {
        let dir = NSTemporaryDirectory() + "imagegate-laterpass-" + UUID().uuidString
        let tree = dir + "/tree"
        let fm = FileManager.default
        for d in ["etc", "opt/app", "srv/empty", "usr/share"] {
            try fm.createDirectory(atPath: tree + "/" + d, withIntermediateDirectories: true)
        }
        try Data("ID=test\n".utf8).write(to: URL(fileURLWithPath: tree + "/etc/os-release"))
        try Data("outside the interest\n".utf8).write(to: URL(fileURLWithPath: tree + "/opt/app/data.txt"))
        try fm.createSymbolicLink(atPath: tree + "/opt/app/link", withDestinationPath: "data.txt")
        try fm.linkItem(atPath: tree + "/opt/app/data.txt", toPath: tree + "/opt/app/hard")
        try Data(big).write(to: URL(fileURLWithPath: tree + "/usr/share/big.bin"))
        try run("/usr/bin/tar", ["-C", tree, "-caf", dir + "/" + name, "."])
        return (dir + "/" + name, tree)
    }

    /// 300,000 bytes that differ from one 4 KiB piece to the next.
    static let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) }
    static let interest = PathInterest(["/etc/**"])

    static func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(args)")
    }

    @Test(arguments: ["root.tar", "root.tar.gz", "root.tar.xz", "root.tar.zst"])
    func anyPathIsReadByALaterPass(_ name: String) throws {
        let (path, tree) = try Self.archive(name)
        let fs = try ArchiveFileSystem(path: path, interest: Self.interest, sizeCap: 64 << 10)
        #expect(fs.passCount == 1)
        let data = Array("outside the interest\n".utf8)
        #expect(try fs.contents(of: FSPath("/opt/app/data.txt"), limit: 1 << 20) == data)
        #expect(fs.passCount == 2, "one more pass for a file outside the interest")
        #expect(try fs.contents(of: FSPath("/opt/app/hard"), limit: 1 << 20) == data, "hard link")
        #expect(try fs.destination(ofSymbolicLink: FSPath("/opt/app/link")) == "data.txt")
        #expect(try fs.contents(of: FSPath("/etc/os-release"), limit: 100) == Array("ID=test\n".utf8))
        #expect(fs.passCount == 3, "a kept file costs no pass")
        #expect(Set(try fs.contents(ofDirectory: FSPath("/opt/app")).map(\.name)) == ["data.txt", "link", "hard"])
        #expect(try fs.contents(ofDirectory: FSPath("/srv/empty")).isEmpty)

        // Larger than the cap: a read returns at most the cap, a stream hands on all of it.
        let bigPath = try FSPath("/usr/share/big.bin")
        #expect(try fs.read(bigPath, at: 200_000, count: 1000) == Array(Self.big[200_000..<201_000]))
        #expect(try fs.read(bigPath, at: 299_990, count: 1000) == Array(Self.big[299_990...]))
        #expect(throws: ImageError.self) { _ = try fs.contents(of: bigPath, limit: Int.max) }
        let before = fs.passCount
        var streamed: [UInt8] = []
        var pieces = 0
        try fs.stream(bigPath, size: 300_000, chunkSize: 4096) { piece in
            #expect(piece.count <= 4096)
            streamed += piece
            pieces += 1
        }
        #expect(streamed == Self.big)
        #expect(pieces == 74)
        #expect(fs.passCount == before + 1, "a stream is one pass")
        #expect(streamed == Array(try Data(contentsOf: URL(fileURLWithPath: tree + "/usr/share/big.bin"))))

        #expect(throws: ImageError.self) { _ = try fs.contents(of: FSPath("/opt/app/missing"), limit: 10) }
        do {
            _ = try fs.contents(of: FSPath("/opt/app/missing"), limit: 10)
        } catch let e as ImageError {
            #expect(e.kind == .notFound)
        }
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// A name stored twice (`tar -r` appends): the later entry is the file, in the later pass too.
    @Test func aDuplicateNameReadsTheLaterEntry() throws {
        let (path, tree) = try Self.archive("root.tar")
        try Data("second copy\n".utf8).write(to: URL(fileURLWithPath: tree + "/opt/app/data.txt"))
        try Self.run("/usr/bin/tar", ["-C", tree, "-rf", path, "./opt/app/data.txt"])
        let fs = try ArchiveFileSystem(path: path, interest: Self.interest)
        #expect(try fs.contents(of: FSPath("/opt/app/data.txt"), limit: 100) == Array("second copy\n".utf8))
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// A root below a folder (`./rootfs/…`, read with that prefix): entries outside the prefix
    /// still count, so the later pass finds the same entry.
    @Test func aRootBelowAFolderIsReadAgainWithItsPrefix() throws {
        let (_, tree) = try Self.archive("unused.tar")
        let dir = (tree as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir + "/outer", withIntermediateDirectories: true)
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: dir + "/outer/aaa-before"))
        try FileManager.default.moveItem(atPath: tree, toPath: dir + "/outer/rootfs")
        try Self.run("/usr/bin/tar", ["-C", dir + "/outer", "-czf", dir + "/nested.tar.gz", "aaa-before", "rootfs"])
        let fs = try ArchiveFileSystem(
            device: try FileDevice(path: dir + "/nested.tar.gz"), interest: Self.interest, prefix: try FSPath("/rootfs")
        )
        #expect(try fs.contents(of: FSPath("/opt/app/data.txt"), limit: 100) == Array("outside the interest\n".utf8))
        #expect(try fs.read(FSPath("/usr/share/big.bin"), at: 4096, count: 10) == Array(Self.big[4096..<4106]))
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// An initramfs (concatenated archives): entries are numbered over all of them.
    @Test func anInitramfsEntryOfTheSecondArchiveIsReadAgain() throws {
        let (_, tree) = try Self.archive("unused.tar")
        let dir = (tree as NSString).deletingLastPathComponent
        try Self.run("/bin/sh", ["-c", "cd \(tree)/etc && echo os-release | cpio -o -H newc > \(dir)/a.cpio"])
        try Self.run(
            "/bin/sh", ["-c", "cd \(tree) && find opt | cpio -o -H newc | gzip > \(dir)/b.cpio.gz"])
        let bytes =
            try Array(Data(contentsOf: URL(fileURLWithPath: dir + "/a.cpio")))
            + Array(Data(contentsOf: URL(fileURLWithPath: dir + "/b.cpio.gz")))
        let fs = try ArchiveFileSystem(bytes: bytes, interest: PathInterest([]))
        #expect(try fs.contents(of: FSPath("/opt/app/data.txt"), limit: 100) == Array("outside the interest\n".utf8))
        #expect(try fs.contents(of: FSPath("/opt/app/hard"), limit: 100) == Array("outside the interest\n".utf8))
        #expect(try fs.contents(of: FSPath("/os-release"), limit: 100) == Array("ID=test\n".utf8))
        try? FileManager.default.removeItem(atPath: dir)
    }
}
