import BlockIO
import FileSystems
import Foundation
import PackageDatabases
import Testing

@testable import Guest

/// Bad input gives a reason in the facts, never a crash.
@Suite struct DamagedInputTests {
    @Test func damagedTreeRecordsEveryReason() throws {
        let facts = try Trees.facts("inspect-damaged")
        #expect(facts.os.id == nil)
        #expect(facts.os.unreadable?.contains("binary content") == true)
        #expect(facts.packageDatabase.isReadable)
        #expect(facts.packages.map(\.name) == ["systemd"])
        #expect(facts.packageDatabase.problems.count == 1)
        #expect(facts.packageDatabase.problems.first?.contains("damaged") == true)
        // Readable, but a damaged record makes the database the image's error in a check.
        #expect(facts.packageDatabase.readError?.layer == "dpkg")
        #expect(facts.kernels.isEmpty)
        #expect(facts.boot.unknownReason != nil)
        #expect(facts.network.systemdVersion == 254)
        let ifupdown = try #require(facts.network.manager(.ifupdown))
        #expect(ifupdown.enabled)
        #expect(ifupdown.interfaces.isEmpty)  // only lo
        #expect(!ifupdown.isActive)
        #expect(facts.cloudInit.problems.first?.contains("not valid YAML") == true)
        #expect(facts.udevRule.effective?.state == .unreadable)
        #expect(facts.udevRule.effective?.note == "dangling symlink")
    }

    @Test func emptyFileIsSaidToBeEmpty() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/empty.raw"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = #expect(throws: ImageError.self) { _ = try GuestImage.open(path) }
        #expect(error?.layer == "format")
        #expect(error?.detail == "empty (0 bytes)")
    }

    @Test func noVolumesSaysThePartitionTableIsEmpty() throws {
        let error = #expect(throws: ImageError.self) {
            _ = try RootAssembly.assemble([], options: OpenOptions(), applyFstab: true)
        }
        #expect(error?.detail == "no root file system found (the partition table lists no partitions)")
    }

    @Test func imageThatIsAFIFOIsRefusedWithoutBlocking() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(mkfifo(root + "/disk.raw", 0o600) == 0)
        let error = #expect(throws: ImageError.self) { _ = try GuestImage.open(root + "/disk.raw") }
        #expect(error?.layer == "file")
        #expect(error?.detail.contains("is a FIFO, not a regular file") == true)
    }

    @Test func hugeSparseStatusIsRefusedNotRead() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Trees.write(root, "/var/lib/dpkg/status", "Package: a\n")
        let fd = open(root + "/var/lib/dpkg/status", O_WRONLY)
        #expect(ftruncate(fd, 2 << 30) == 0)
        close(fd)
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(facts.packageDatabase.kind == "dpkg")
        #expect(facts.packageDatabase.unreadable?.contains("too large: 2147483648 bytes") == true)
        #expect(facts.packages.isEmpty)
        #expect(!facts.packageDatabase.isReadable)
        #expect(facts.packageDatabase.readError?.message.hasPrefix("dpkg: /var/lib/dpkg/status too large") == true)
    }

    @Test func statusParserKeepsPackagesBeforeDamageAndNamesIt() throws {
        let text = Array(
            """
            Package: a
            Status: install ok installed
            Version: 1:2.0-3

            garbage line
            Package: b
            Status: install ok installed
            Version: 1.0

            Package: c
            Status: install ok half-installed
            Version: 1.0

            Package: d
            Status: install ok installed
            """.utf8)
        let status = DpkgStatus(text)
        #expect(status.packages.map(\.name) == ["a"])
        #expect(status.packages.first?.epoch == 1)
        #expect(status.packages.first?.fullVersion == "1:2.0-3")
        #expect(status.problems.count == 2)
        #expect(status.problems[1].contains("d: installed without a Version field"))
        // The first problem's paragraph starts at the garbage line: where a check's error points.
        let garbage = try #require(text.indices.first { text[$0...].starts(with: Array("garbage line".utf8)) })
        #expect(status.firstProblemOffset == garbage)
    }

    @Test func binaryStatusGivesBoundedProblems() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let status = DpkgStatus(bytes)
        #expect(status.packages.isEmpty)
        #expect(status.problems.count <= DpkgStatus.maximumProblems)
    }

    @Test func noPackageDatabaseIsAReason() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(facts.packageDatabase.unreadable == "no package database")
        #expect(facts.packageDatabase.readError == nil, "no database is not a damaged one")
        #expect(facts.os.unreadable == "no /etc/os-release or /usr/lib/os-release")
        #expect(facts.kernels.isEmpty)
    }

    @Test func bzImageHeaderErrorsAreReasons() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/lib/modules/6.1.0-1/kernel", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/lib/modules/6.1.0-2/kernel", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/lib/modules/6.1.0-3/kernel", withIntermediateDirectories: true)
        try Trees.write(root, "/boot/vmlinuz-6.1.0-1", [UInt8](repeating: 0, count: 100))
        var noFlag = [UInt8](repeating: 0, count: 0x400)
        noFlag[0x202] = 0x48
        try Trees.write(root, "/boot/vmlinuz-6.1.0-2", noFlag)
        var unterminated = [UInt8](repeating: 0x41, count: 0x400)
        unterminated[0x1FE] = 0x55
        unterminated[0x1FF] = 0xAA
        unterminated.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        unterminated[0x206] = 0x0F
        unterminated[0x207] = 0x02
        unterminated[0x20E] = 0x00
        unterminated[0x20F] = 0x01
        try Trees.write(root, "/boot/vmlinuz-6.1.0-3", unterminated)
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        let reasons = facts.kernels.map { $0.image?.unreadable ?? "" }
        #expect(reasons[0].contains("too short"))
        #expect(reasons[1].contains("not an x86 bzImage"))
        #expect(reasons[2].contains("not terminated"))
    }

    @Test func yamlAliasBombIsNotExpanded() throws {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 {
            bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try Trees.write(root, "/etc/cloud/cloud.cfg", bomb + "datasource_list: [ Azure ]\n")
        try Trees.write(
            root, "/etc/netplan/50.yaml",
            bomb + "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: '00:0d:3a:00:00:01'}\n")
        let start = ContinuousClock.now
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(facts.cloudInit.datasourceList == ["Azure"])
        #expect(facts.network.macOnlyMatches.map(\.location) == ["ethernets.eth0"])
    }

    @Test func modulesWalkIsBoundedAndSaysSo() throws {
        #expect(DriverInspector.maximumEntries == 200_000)
        let tree = try Trees.tree("inspect-debian12")
        var facts = GuestFacts()
        try KernelInspector().inspect(tree, into: &facts)
        try DriverInspector(entryLimit: 5).inspect(tree, into: &facts)
        #expect(
            facts.kernels[0].problems.contains(
                "modules walk stopped after 5 entries below /lib/modules/6.1.0-28-cloud-amd64"))
        #expect(facts.kernels[0].drivers.contains { $0.presence == .missing })
    }
}
