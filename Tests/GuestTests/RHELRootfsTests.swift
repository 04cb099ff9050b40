import FileSystems
import Foundation
import Guest
import TestSupport
import Testing

/// The rpm root of fixture rpm-rhel9 (a real rpmdb.sqlite written by rpm) through the plugged-in
/// rpm locator, compared with the `rpm -qa` and `rpm -qf` listings the fixture recorded.
@Suite struct RHELRootfsTests {
    let facts: GuestFacts
    let dir: String

    init() throws {
        dir = try Fixtures.path("rpm-rhel9")
        facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: dir + "/root")))
    }

    func rows(_ file: String) throws -> [[String]] {
        try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func packagesOfInterestMatchRpmQa() throws {
        #expect(facts.packageDatabase.kind == "rpm-sqlite")
        #expect(facts.packageDatabase.isReadable)
        let reference = try rows("rpm-qa.tsv").filter { PackageDatabaseInspector.isOfInterest($0[0]) }
        #expect(facts.packages.map(\.name) == reference.map { $0[0] }.sorted())
        for r in reference {
            let p = try #require(facts.package(named: r[0]))
            #expect(p.manager == .rpm)
            #expect(p.upstreamVersion == r[2])
            #expect(p.fullVersion == (r[1] == "0" ? "" : "\(r[1]):") + "\(r[2])-\(r[3])")
        }
        #expect(facts.cloudInit.package?.compareUpstream(to: "23.2") == 1)
        #expect(facts.azureVMUtils.package?.compareUpstream(to: "0.6.0") == 0)
    }

    @Test func kernelOwnerMatchesRpmQf() throws {
        let owner = try rows("rpm-qf.tsv").first { $0[0].hasPrefix("/boot/vmlinuz-") }
        let k = try #require(facts.kernels.first)
        #expect(k.owners == [try #require(owner)[1]])
        #expect(k.ownershipKnown)
        #expect(k.drivers.allSatisfy { $0.presence == .module })
        #expect(facts.boot.defaultRelease == k.release)
    }

    @Test func dracutHookAndRuleInTheInitramfs() throws {
        #expect(facts.initramfs.hooks == [.path("/usr/lib/dracut/modules.d/97azure-unmanaged-sriov")])
        let image = try #require(facts.kernels.first?.initramfs)
        #expect(image.containsRule == true)
        #expect(facts.udevRule.effective?.owners == ["azure-vm-utils"])
    }
}
