import FileSystems
import Foundation
import Guest
import PackageDatabases
import TestSupport
import Testing

/// The real Debian 12 root made by debootstrap (fixture debian12-tree), with references computed
/// by `dpkg-query --admindir` and `find` on the same folder.
@Suite struct DebianRootfsTests {
    let root: String
    let release: String
    let facts: GuestFacts

    init() throws {
        let dir = try Fixtures.path("debian12-tree")
        root = dir + "/rootfs"
        release = try String(contentsOfFile: dir + "/kernel-release", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
    }

    func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func packagesMatchDpkgQuery() throws {
        let reference = try run([
            "dpkg-query", "--admindir=\(root)/var/lib/dpkg", "-W", "-f=${db:Status-Abbrev} ${Package} ${Version}\n",
        ])
        let installed = reference.split(separator: "\n").filter { $0.hasPrefix("ii ") }
        #expect(facts.packageDatabase.packageCount == installed.count)
        #expect(facts.packageDatabase.problems.isEmpty)
        let db = try DpkgDatabase(tree: GuestTree(root: try DirectoryFileSystem(path: root)))
        let ours = Set(try db.packages().map { "\($0.name) \($0.fullVersion)" })
        let theirs = Set(installed.map { $0.split(separator: " ").dropFirst().joined(separator: " ") })
        #expect(ours == theirs)
    }

    @Test func kernelOwnerMatchesDpkgQuerySearch() throws {
        let reference = try run(["dpkg-query", "--admindir=\(root)/var/lib/dpkg", "-S", "/boot/vmlinuz-\(release)"])
        let owner = String(reference.split(separator: ":").first ?? "")
        let k = try #require(facts.kernels.first)
        #expect(facts.kernels.count == 1)
        #expect(k.release == release)
        #expect(k.owners == [owner])
        #expect(k.image?.builtRelease == release)
        #expect(k.config == .path("/boot/config-\(release)"))
        #expect(k.initramfs?.path == .path("/boot/initrd.img-\(release)"))
    }

    @Test func driversMatchFind() throws {
        let k = try #require(facts.kernels.first)
        for d in k.drivers {
            let file = d.name == "pci_hyperv" ? "pci-hyperv" : d.name
            let found = try run(["find", "\(root)/usr/lib/modules/\(release)", "-name", "\(file).ko*"])
                .split(separator: "\n").map { String($0.dropFirst(root.count)) }
            if let path = found.first {
                #expect(d.presence == .module, "\(d.name)")
                #expect(
                    d.evidence.first.map { "/usr" + $0.value } == path || d.evidence.first?.value == path, "\(d.name)")
            } else {
                #expect(d.presence != .module, "\(d.name)")
            }
        }
        #expect(k.problems.isEmpty)
    }

    @Test func theVerdictFactsOfIssue3() throws {
        #expect(facts.os.id == "debian")
        #expect(facts.os.versionID == "12")
        #expect(facts.cloudInit.package?.upstreamVersion.hasPrefix("22.4") == true)
        #expect(facts.cloudInit.pythonVersions.first?.version.hasPrefix("22.4") == true)
        #expect(facts.cloudInit.vfFilterPresent == false)
        #expect(facts.cloudInit.disableMarkers.isEmpty)
        #expect(facts.azureVMUtils.package == nil)
        #expect(facts.azureVMUtils.binaryVersion == nil)
        #expect(facts.udevRule.files.isEmpty)
        #expect(facts.network.activeManagers.map(\.name) == [.ifupdown])
        #expect(facts.network.manager(.ifupdown)?.interfaces == ["eth0"])
        #expect(facts.network.dhclientCalls.isEmpty)
        #expect(facts.network.systemdVersion == 252)
        #expect(facts.initramfs.hooks.isEmpty)
        #expect(facts.problems.isEmpty)
    }
}
