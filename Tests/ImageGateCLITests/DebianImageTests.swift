import Foundation
import TestSupport
import Testing

/// End to end on the real Debian 12 image made by debootstrap (fixture debian12-disk): the CLI
/// reads it in every container format without root, and never changes a byte of it.
@Suite(.serialized) struct DebianImageTests {
    static let formats = ["disk.raw", "disk.qcow2", "disk-fixed.vhd", "disk-dynamic.vhd", "disk-2T.qcow2"]

    static func fixture(_ name: String) throws -> String { try Fixtures.path("debian12-disk/\(name)") }

    static var tree: String { get throws { try fixture("tree") } }

    static var release: String {
        get throws {
            try String(contentsOfFile: try fixture("kernel-release"), encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
    }

    @Test(arguments: formats)
    func dpkgStatusIsByteIdenticalToTheTree(format: String) throws {
        let r = try CLI.run(["cat", try Self.fixture(format), "/var/lib/dpkg/status"])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: try Self.tree + "/var/lib/dpkg/status"))
        // Compared as a Bool: a failing #expect on two large collections computes their difference (quadratic).
        let same = sameBytes(r.stdout, expected)
        #expect(same, "\(format): \(r.stdout.count) bytes, expected \(expected.count)")
    }

    @Test(arguments: formats)
    func modulesListingMatchesTheTree(format: String) throws {
        let release = try Self.release
        let r = try CLI.run(["ls", "-l", try Self.fixture(format), "/lib/modules/\(release)"])
        #expect(r.status == 0, "\(r.stderr)")
        let ours = String(decoding: r.stdout, as: UTF8.self)
        let reference = try Self.referenceListing(try Self.tree + "/usr/lib/modules/\(release)")
        let same = ours == reference
        #expect(same, "ours:\n\(ours)\nreference:\n\(reference)")
    }

    @Test(arguments: ["disk.qcow2", "disk-dynamic.vhd"])
    func kernelImageIsReadThroughTheSeparateBootMount(format: String) throws {
        let release = try Self.release
        let image = try Self.fixture(format)
        let r = try CLI.run(["cat", image, "/boot/vmlinuz-\(release)"])
        #expect(r.status == 0, "\(r.stderr)")
        let same = sameBytes(
            r.stdout, try Data(contentsOf: URL(fileURLWithPath: try Self.tree + "/boot/vmlinuz-\(release)")))
        #expect(same, "\(format): vmlinuz differs (\(r.stdout.count) bytes)")
        let inspect = try CLI.run(["inspect", image])
        let json = try JSONSerialization.jsonObject(with: inspect.stdout) as? [String: Any]
        let mounts = (json?["layout"] as? [String: Any])?["mounts"] as? [[String: Any]] ?? []
        let boot = mounts.first { $0["mountPoint"] as? String == "/boot" }
        #expect(boot?["status"] as? String == "mounted")
        #expect(boot?["volume"] as? String == "partition 2")
    }

    @Test func imageBytesAreUnchangedByEveryCommand() throws {
        let image = try Self.fixture("disk.qcow2")
        let before = try Tools.run(["sha256sum", image]).stdout
        let mtime = try FileManager.default.attributesOfItem(atPath: image)[.modificationDate] as? Date
        for args in [
            ["inspect", image], ["ls", "-l", image, "/etc"], ["cat", image, "/etc/fstab"],
            ["check", image, "--format", "json"],
        ] {
            _ = try CLI.run(args)
        }
        #expect(try Tools.run(["sha256sum", image]).stdout == before)
        #expect(try FileManager.default.attributesOfItem(atPath: image)[.modificationDate] as? Date == mtime)
    }

    @Test func statsLineHasTheDocumentedShape() throws {
        let r = try CLI.run(["cat", try Self.fixture("disk.qcow2"), "/etc/hostname", "--stats"])
        #expect(r.status == 0)
        let line = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.wholeMatch(of: /stats: [0-9]+ bytes in [0-9]+ reads, [0-9]+\.[0-9]+ s/) != nil, "\(line)")
    }

    @Test func growingTheVirtualDiskTo2TiBDoesNotGrowTheBytesRead() throws {
        func bytes(_ image: String) throws -> Int {
            let r = try CLI.run(["inspect", image, "--stats"])
            let m = r.stderr.firstMatch(of: /stats: ([0-9]+) bytes/)
            return Int(m?.1 ?? "") ?? -1
        }
        let small = try bytes(try Self.fixture("disk.qcow2"))
        let grown = try bytes(try Self.fixture("disk-2T.qcow2"))
        #expect(small > 0)
        #expect(grown <= small + 65536, "2 TiB virtual: \(grown) bytes vs \(small)")
    }

    /// What `imagegate ls -l` must print for a host folder: mode, size, name and link target.
    static func referenceListing(_ dir: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        var out = ""
        for n in names {
            let p = dir + "/" + n
            let a = try FileManager.default.attributesOfItem(atPath: p)
            let type = a[.type] as? FileAttributeType
            let perms = (a[.posixPermissions] as? Int) ?? 0
            let letter = type == .typeDirectory ? "d" : type == .typeSymbolicLink ? "l" : "-"
            var size = (a[.size] as? Int) ?? 0
            if type == .typeSymbolicLink {
                size = try FileManager.default.destinationOfSymbolicLink(atPath: p).utf8.count
            }
            var line = "\(letter)\(mode(perms)) \(size) \(n)"
            if type == .typeSymbolicLink {
                line += " -> " + (try FileManager.default.destinationOfSymbolicLink(atPath: p))
            }
            out += line + "\n"
        }
        return out
    }

    static func mode(_ p: Int) -> String {
        let chars: [(Int, Character)] = [
            (0o400, "r"), (0o200, "w"), (0o100, "x"), (0o40, "r"), (0o20, "w"), (0o10, "x"), (0o4, "r"), (0o2, "w"),
            (0o1, "x"),
        ]
        return String(chars.map { p & $0.0 != 0 ? $0.1 : "-" })
    }
}
