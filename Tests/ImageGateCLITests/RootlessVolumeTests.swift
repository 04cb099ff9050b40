import Foundation
import TestSupport
import Testing

/// A data disk or a bare file system (no os-release anywhere) is still inspected and browsed:
/// `inspect` lists its volumes, `ls`/`cat --volume NAME` read one volume's file system directly,
/// and `check` keeps its error. Inputs are the fixture scripts' images, made by mkfs.ext4 and LVM.
@Suite struct RootlessVolumeTests {
    /// ext4-common.sh's `deep` variant: a bare ext4 holding `/deep`, `/prealloc`, `/link-to-deep`.
    static let bare = "ext4-common/deep.img"
    /// volumes-lvm.sh's first disk: an ESP and an LVM volume group whose ext4 LVs hold no OS.
    static let lvm = "volumes-lvm/disk1.img"

    static func text(_ d: Data) -> String { String(decoding: d, as: UTF8.self) }

    static func layout(_ image: String) throws -> (status: Int32, layout: [String: Any], json: [String: Any]) {
        let r = try CLI.run(["inspect", image])
        let json = (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
        return (r.status, json["layout"] as? [String: Any] ?? [:], json)
    }

    /// `ls -l` of a directory with one damaged inode lists every other entry, names the damaged
    /// one on stderr with its layer and offset, and exits 2 (it failed whole before).
    @Test func aDamagedEntryCostsItsOwnLineNotTheListing() throws {
        let copy = try Tools.temporaryFile(
            try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path(Self.bare))), suffix: ".img")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        // Where debugfs says inode 13 (/prealloc) lies; one flipped byte of its mode breaks its checksum.
        let imap = try Tools.run(["debugfs", "-R", "imap <13>", copy]).stdout
        let match = imap.firstMatch(of: /located at block (\d+), offset 0x([0-9a-f]+)/)
        let m = try #require(match, "debugfs: \(imap)")
        let block = try #require(UInt64(String(m.1)))
        let offset = try #require(UInt64(String(m.2), radix: 16))
        let at = block * 4096 + offset + 4
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: copy))
        try handle.seek(toOffset: at)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: at)
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()
        let r = try CLI.run(["ls", "-l", "--volume", "whole disk", copy, "/"])
        #expect(r.status == 2)
        let lines = Self.text(r.stdout).split(separator: "\n").map(String.init)
        #expect(lines.contains("-rw-r--r-- 16379904 deep"), "\(lines)")
        #expect(lines.contains("lrwxrwxrwx 4 link-to-deep -> deep"), "\(lines)")
        #expect(lines.contains("? prealloc"), "\(lines)")
        #expect(
            r.stderr.contains("imagegate: error: ext4: inode 13 checksum") && r.stderr.contains("(entry prealloc)"),
            "\(r.stderr)")
    }

    @Test func inspectListsTheVolumesOfABareFileSystem() throws {
        let (status, layout, json) = try Self.layout(try Fixtures.path(Self.bare))
        #expect(status == 0)
        let volumes = layout["volumes"] as? [[String: Any]] ?? []
        #expect(volumes.count == 1)
        let v = volumes.first ?? [:]
        let fs = v["fileSystem"] as? [String: Any] ?? [:]
        #expect(v["name"] as? String == "whole disk" && v["readable"] as? Bool == true)
        // What blkid -p said of the same image when the fixture was built.
        let blkid = try String(contentsOfFile: try Fixtures.path("ext4-common/deep.blkid"), encoding: .utf8)
        #expect(blkid.contains("TYPE=\(fs["type"] as? String ?? "?")\n"))
        #expect(blkid.contains("UUID=\(fs["uuid"] as? String ?? "?")\n"))
        #expect(blkid.contains("LABEL=\(fs["label"] as? String ?? "?")\n"))
        #expect(layout["root"] as? String == "")
        #expect((layout["roots"] as? [Any])?.isEmpty == true)
        #expect((layout["noRoot"] as? String)?.contains("no root file system found (whole disk: ext4") == true)
        #expect(json["facts"] == nil)
    }

    @Test func inspectOfADataDiskSaysWhatEachVolumeHolds() throws {
        let (status, layout, _) = try Self.layout(try Fixtures.path(Self.lvm))
        #expect(status == 0)
        let volumes = (layout["volumes"] as? [[String: Any]] ?? []).map { v in
            let fs = v["fileSystem"] as? [String: Any]
            return "\(v["name"] ?? "") \(fs?["type"] ?? "-") \(v["readable"] ?? "") \(v["reason"] ?? "-")"
        }
        #expect(volumes.contains("lv rhel/var ext4 1 -"), "\(volumes)")
        #expect(volumes.contains("partition 2 LVM2_member 0 LVM2_member: LVM2 physical volume"), "\(volumes)")
        #expect((layout["volumeGroups"] as? [Any])?.count == 1)
    }

    @Test func lsAndCatReadTheNamedVolume() throws {
        let image = try Fixtures.path(Self.bare)
        let ls = try CLI.run(["ls", "--volume", "whole disk", image, "/"])
        #expect(ls.status == 0, "\(ls.stderr)")
        // debugfs -R 'ls -p /' gives /inode/mode/uid/gid/name/size/ per entry.
        let debugfs = try Tools.run(["debugfs", "-R", "ls -p /", image])
        let names = debugfs.stdout.split(separator: "\n").compactMap { line -> String? in
            let f = line.split(separator: "/", omittingEmptySubsequences: false)
            return f.count > 5 && f[5] != "." && f[5] != ".." ? String(f[5]) : nil
        }.sorted()
        #expect(!names.isEmpty && Self.text(ls.stdout) == names.map { $0 + "\n" }.joined())

        let long = try CLI.run(["ls", "-l", "--volume", "whole disk", image, "/"])
        #expect(Self.text(long.stdout).contains("lrwxrwxrwx 4 link-to-deep -> deep\n"), "\(Self.text(long.stdout))")

        let cat = try CLI.run(["cat", "--volume", "whole disk", image, "/prealloc"])
        #expect(cat.status == 0, "\(cat.stderr)")
        let expected = try Tools.run(["debugfs", "-R", "cat /prealloc", image]).data
        #expect(cat.stdout.count == 1 << 20 && cat.stdout == expected)
    }

    /// With a root, `--volume` reads one volume as it is, below no mount point: the Debian
    /// disk's partition 2 is what the guest mounts at /boot.
    @Test func aVolumeOfAGuestIsReadBesideItsRoot() throws {
        let image = try Fixtures.path("debian12-disk/disk.raw")
        let boot = try CLI.run(["ls", image, "/boot"])
        let volume = try CLI.run(["ls", "--volume", "partition 2", image, "/"])
        #expect(volume.status == 0, "\(volume.stderr)")
        #expect(!boot.stdout.isEmpty && volume.stdout == boot.stdout)
        let release = try String(contentsOfFile: try Fixtures.path("debian12-disk/kernel-release"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let config = try CLI.run(["cat", "--volume", "partition 2", image, "/config-\(release)"])
        let guest = try CLI.run(["cat", image, "/boot/config-\(release)"])
        #expect(config.status == 0 && !config.stdout.isEmpty && config.stdout == guest.stdout)
    }

    @Test func withoutAVolumeTheErrorNamesTheOption() throws {
        let image = try Fixtures.path(Self.lvm)
        for args in [["ls", image, "/"], ["cat", image, "/etc/hostname"]] {
            let r = try CLI.run(args)
            let err = r.stderr
            #expect(r.status == 2, "\(err)")
            #expect(err.hasPrefix("imagegate: error: guest: no root file system found (partition 1: vfat"), "\(err)")
            #expect(err.contains("--volume NAME: 'partition 1', 'lv rhel/root', 'lv rhel/var'\n"), "\(err)")
        }
    }

    @Test func anUnknownOrUnreadableVolumeIsAUsageError() throws {
        let image = try Fixtures.path(Self.lvm)
        let unknown = try CLI.run(["ls", "--volume", "partition 9", image, "/"])
        #expect(unknown.status == 64)
        #expect(
            unknown.stderr.contains(
                "--volume: no volume is named 'partition 9'; the volumes with a readable file system: 'partition 1', 'lv rhel/root', 'lv rhel/var'"
            ), "\(unknown.stderr)")
        let pv = try CLI.run(["cat", "--volume", "partition 2", image, "/x"])
        #expect(pv.status == 64)
        #expect(pv.stderr.contains("partition 2 holds no file system imagegate reads: LVM2_member"), "\(pv.stderr)")
    }

    /// `check` needs a guest: it reports the error it always did, with no word of `--volume`.
    @Test func checkKeepsItsError() throws {
        let image = try Fixtures.path(Self.bare)
        let r = try CLI.run(["check", image])
        let err = r.stderr
        #expect(r.status == 2)
        #expect(
            err.contains("guest: no root file system found (whole disk: ext4, no /etc/fstab with an os-release)"),
            "\(err)")
        #expect(!err.contains("--volume"))
    }
}
