import Foundation
import TestSupport
import Testing

/// The same Debian 12 tree in three layouts real Azure images use — ext4 partitions (Debian,
/// Ubuntu), XFS on LVM2 with a separate /usr LV (RHEL), btrfs with @ and @home subvolumes (SUSE) —
/// gives the same facts, and each layout's mounts are the ones its fstab names.
@Suite struct SplitLayoutTests {
    static let layouts = ["debian12-lvm-xfs/disk.vhd", "debian12-btrfs/disk.vhd"]

    static func check(_ image: String) throws -> [String: Any] {
        let r = try CLI.run(["check", image, "--format", "json"])
        #expect(r.status == 1, "\(image): \(r.stderr)")
        let line = r.stdout.split(separator: 0x0A).first.map { Data($0) } ?? Data()
        return try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
    }

    static func canonical(_ value: Any?) throws -> Data {
        try JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.sortedKeys])
    }

    /// The facts without those that describe the layout itself: /etc/fstab and the kernel command
    /// line (its root=), which each layout's own files name differently.
    static func guestFacts(_ value: Any?) -> Any? {
        guard var facts = value as? [String: Any] else { return value }
        facts["fstab"] = nil
        if var boot = facts["boot"] as? [String: Any] {
            boot["commandLine"] = nil
            boot["commandLineSource"] = nil
            facts["boot"] = boot
        }
        return facts
    }

    @Test(arguments: layouts)
    func factsEqualThoseOfTheExt4Image(layout: String) throws {
        let reference = try Self.check(try Fixtures.path("debian12-disk/disk.qcow2"))
        let other = try Self.check(try Fixtures.path(layout))
        let same = sameBytes(
            try Self.canonical(Self.guestFacts(reference["facts"])), try Self.canonical(Self.guestFacts(other["facts"]))
        )
        #expect(same, "\(layout): facts differ from the ext4 image's")
        let statuses = { (r: [String: Any]) in
            (r["requirements"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "")=\($0["status"] ?? "")" }
        }
        #expect(statuses(other) == statuses(reference))
    }

    @Test func lvmLayoutMountsRootAndUsrFromLogicalVolumes() throws {
        let r = try CLI.run(["inspect", try Fixtures.path("debian12-lvm-xfs/disk.vhd")])
        let json = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        let layout = json?["layout"] as? [String: Any]
        let mounts = (layout?["mounts"] as? [[String: Any]] ?? []).map {
            "\($0["mountPoint"] ?? "") \($0["status"] ?? "") \($0["volume"] ?? "-")"
        }
        #expect(mounts.contains("/ mounted lv sysvg/root"))
        #expect(mounts.contains("/usr mounted lv sysvg/usr"))
        #expect(mounts.contains("/boot mounted partition 2"))
        #expect(layout?["root"] as? String == "lv sysvg/root")
        // /lib is a merged-/usr link on the root LV; /lib/modules lives on the /usr LV.
        let ls = try CLI.run(["ls", try Fixtures.path("debian12-lvm-xfs/disk.vhd"), "/lib/modules"])
        #expect(ls.status == 0 && !ls.stdout.isEmpty, "\(ls.stderr)")
    }

    @Test func btrfsLayoutMountsSubvolumes() throws {
        let image = try Fixtures.path("debian12-btrfs/disk.vhd")
        let r = try CLI.run(["inspect", image])
        let json = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        let mounts = ((json?["layout"] as? [String: Any])?["mounts"] as? [[String: Any]] ?? []).map {
            "\($0["mountPoint"] ?? "") \($0["status"] ?? "") \($0["volume"] ?? "-")"
        }
        #expect(mounts.contains("/ mounted partition 3 subvol=@"))
        #expect(mounts.contains("/home mounted partition 3 subvol=@home"))
        let profile = try CLI.run(["cat", image, "/home/azureuser/.profile"])
        #expect(String(decoding: profile.stdout, as: UTF8.self) == "# ~/.profile\n")
    }
}

@Suite struct UnreadableRootTests {
    /// volumes-gpt has a LUKS2 partition and no readable root: the error says so, exit 2, for
    /// `check` and for `ls`/`cat` without `--volume`; `inspect` lists the volumes and says it too.
    @Test func encryptedRootIsNamed() throws {
        let image = try Fixtures.path("volumes-gpt/gpt.img")
        for args in [["check", image], ["ls", image, "/"]] {
            let r = try CLI.run(args)
            #expect(r.status == 2)
            #expect(
                r.stderr.contains("cannot be inspected offline: root is encrypted (LUKS2) on partition 4"),
                "\(r.stderr)")
        }
        let r = try CLI.run(["inspect", image])
        #expect(r.status == 0, "\(r.stderr)")
        let layout = (try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])?["layout"] as? [String: Any]
        let noRoot = layout?["noRoot"] as? String ?? ""
        #expect(noRoot.contains("cannot be inspected offline: root is encrypted (LUKS2) on partition 4"), "\(noRoot)")
    }

    @Test func ovaDiskNumberIsValidated() throws {
        let r = try CLI.run(["inspect", "--disk", "0", try Fixtures.path("ova-debian12/debian12.ova")])
        #expect(r.status == 64)
        let second = try CLI.run(["inspect", "--disk", "2", try Fixtures.path("ova-debian12/debian12.ova")])
        #expect(second.status == 2)
        #expect(second.stderr.contains("disk 2 requested"), "\(second.stderr)")
    }
}

/// The RHEL 9.4-like roots whose packages rpm itself installed (SQLite rpmdb), on XFS in a fixed VHD.
@Suite struct RHELImageTests {
    static func statuses(_ image: String) throws -> (Int32, [String: String], [String: Any]) {
        let r = try CLI.run(["check", image, "--format", "json"])
        let line = r.stdout.split(separator: 0x0A).first.map { Data($0) } ?? Data()
        let json = try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
        var out: [String: String] = [:]
        for f in json["requirements"] as? [[String: Any]] ?? [] {
            out[f["id"] as? String ?? ""] = f["status"] as? String
        }
        return (r.status, out, json)
    }

    @Test func rhelWithCloudInit234PassesEveryMust() throws {
        let (status, s, json) = try Self.statuses(try Fixtures.path("rpm-rhel9-vhd/pass.vhd"))
        #expect(status == 0)
        for id in ["kernel", "drivers", "cloud-init", "azure-vm-utils", "udev-rule", "network-managers"] {
            #expect(s[id] == "pass", "\(id): \(s[id] ?? "missing")")
        }
        let db = (json["facts"] as? [String: Any])?["packageDatabase"] as? [String: Any]
        #expect(db?["kind"] as? String == "rpm-sqlite")
        #expect((json["image"] as? [String: Any])?["format"] as? String == "vhd-fixed")
    }

    @Test func rhelWithCloudInit221FailsOnlyCloudInit() throws {
        let (status, s, _) = try Self.statuses(try Fixtures.path("rpm-rhel9-vhd/oldci.vhd"))
        #expect(status == 1)
        #expect(s.filter { $0.value == "fail" }.keys.sorted() == ["cloud-init"])
    }
}
