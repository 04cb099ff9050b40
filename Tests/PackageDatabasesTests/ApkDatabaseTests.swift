import FileSystems
import Foundation
import Guest
import PackageDatabases
import Testing

/// `/lib/apk/db/installed` as apk-tools writes it (apk-tools' installed-database field letters:
/// P name, V version, A arch, t build time, F directory, R file in it).
@Suite struct ApkDatabaseTests {
    static let installed = """
        C:Q1abcdefghijklmnopqrstuvwxyz0=
        P:cloud-init
        V:24.1.3-r0
        A:x86_64
        S:1
        I:1
        T:Cloud instance init scripts
        t:1712345678
        F:usr/bin
        R:cloud-init
        F:usr/lib/python3.12/site-packages/cloudinit
        R:version.py

        P:azure-vm-utils
        V:0.5.2-r1
        A:x86_64
        F:usr/sbin
        R:azure-nvme-id
        F:usr/lib/udev/rules.d
        R:10-azure-unmanaged-sriov.rules

        P:linux-virt
        V:6.6.32-r0
        A:x86_64
        F:boot
        R:vmlinuz-virt
        F:lib/modules/6.6.32-0-virt

        V:1.0-r0
        A:x86_64

        """

    @Test func parsesPackagesOwnersAndDamage() throws {
        let db = ApkDatabase(bytes: Array(Self.installed.utf8))
        let all = try db.packages()
        #expect(all.map(\.name) == ["cloud-init", "azure-vm-utils", "linux-virt"])
        #expect(all[0].version == "24.1.3" && all[0].release == "r0" && all[0].fullVersion == "24.1.3-r0")
        #expect(all[0].manager == .apk && all[0].architecture == "x86_64")
        #expect(try db.owners(of: "/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules") == ["azure-vm-utils"])
        #expect(try db.owners(of: "/boot/vmlinuz-virt") == ["linux-virt"])
        #expect(try db.owners(of: "/lib/modules/6.6.32-0-virt") == ["linux-virt"])
        #expect(try db.owners(of: "/usr/bin/nothing").isEmpty)
        #expect(db.problems.count == 1 && db.problems[0].contains("no P or V"))
    }

    @Test func factsFromAnApkTree() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in [
            "/lib/apk/db/installed": Self.installed,
            "/etc/os-release": "ID=alpine\nVERSION_ID=3.20.0\n",
        ] {
            try FileManager.default.createDirectory(
                atPath: (root + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + path))
        }
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(facts.packageDatabase.kind == "apk")
        #expect(facts.packageDatabase.isReadable)
        #expect(facts.packageDatabase.packageCount == 3)
        let ci = try #require(facts.package(named: "cloud-init"))
        #expect(ci.compareUpstream(to: "23.2") > 0)
        let avu = try #require(facts.package(named: "azure-vm-utils"))
        #expect(avu.compareUpstream(to: "0.6.0") < 0)
        #expect(avu.compareVersion(to: "0.5.2-r0") > 0)
    }
}
