import Guest
import Testing

/// images/trees/inspect-rhel9: rpm database (no reader yet), BLS entries, dracut hook, ifcfg.
@Suite struct RHELTreeTests {
    let facts: GuestFacts

    init() throws { facts = try Trees.facts("inspect-rhel9") }

    @Test func rpmDatabaseIsRecognizedButNotReadYet() {
        #expect(facts.os.id == "rhel")
        #expect(facts.os.versionID == "9.4")
        #expect(facts.packageDatabase.kind == "rpm-sqlite")
        if PackageDatabaseInspector.locators.contains(where: { $0.name == "rpm" }) {
            // The rpm reader is plugged in: the tree's rpmdb.sqlite is an empty file.
            #expect(facts.packageDatabase.unreadable == "not readable: /var/lib/rpm/rpmdb.sqlite is empty")
            #expect(facts.packageDatabase.readError?.layer == "rpmdb")
        } else {
            #expect(facts.packageDatabase.unreadable == "not readable: rpm support missing")
        }
        #expect(!facts.packageDatabase.isReadable)
        #expect(facts.packages.isEmpty)
        #expect(facts.kernels.allSatisfy { !$0.ownershipKnown })
    }

    @Test func blsSavedEntryPicksTheOlderKernel() {
        #expect(facts.kernels.map(\.release) == ["5.14.0-427.13.1.el9_4.x86_64", "5.14.0-503.11.1.el9_5.x86_64"])
        #expect(facts.boot.defaultRelease == "5.14.0-427.13.1.el9_4.x86_64")
        #expect(facts.kernels.map(\.isDefault) == [true, false])
        #expect(facts.kernels.allSatisfy { $0.image?.path.value.hasSuffix("/vmlinuz") == true })
        #expect(facts.kernels.allSatisfy { $0.drivers.allSatisfy { $0.presence == .module } })
    }

    @Test func ruleThatIsADirectoryIsUnreadable() throws {
        let rule = try #require(facts.udevRule.effective)
        #expect(rule.state == .unreadable)
        #expect(rule.note?.contains("directory") == true)
    }

    @Test func unitSymlinkLoopIsAProblemNotACrash() throws {
        let loop = try #require(facts.network.unit("loop-a.service"))
        #expect(!loop.enabled)
        #expect(loop.problem?.contains("symlinks") == true)
    }

    @Test func networkManagerAndSysVNetworkScriptsAreBothActive() throws {
        #expect(facts.network.manager(.networkManager)?.isActive == true)
        let scripts = try #require(facts.network.manager(.networkScripts))
        #expect(scripts.installed)
        #expect(scripts.enabledEvidence == [.path("/etc/rc.d/rc3.d/S10network")])
        #expect(scripts.interfaces == ["eth0"])
        #expect(facts.network.activeManagers.map(\.name) == [.networkManager, .networkScripts])
        #expect(facts.network.macOnlyMatches.map(\.kind) == ["ifcfg"])
        #expect(facts.network.systemdVersion == 252)
        #expect(facts.network.systemdVersionEvidence == [.path("/usr/lib64/systemd/libsystemd-shared-252.so")])
    }

    @Test func cloudInitFromSourcesAndAzureNvmeIdVersion() {
        let versions = facts.cloudInit.pythonVersions.map { "\($0.variable)=\($0.version)" }
        #expect(versions == ["_PACKAGED_VERSION=23.4-7.el9_4.5", "UPSTREAM_VERSION=26.1"])
        #expect(facts.cloudInit.package == nil)
        #expect(facts.azureVMUtils.binaryVersion?.version == "0.6.0-2-g1a2b3c4")
        #expect(facts.azureVMUtils.binaryVersion?.evidence == .path("/usr/sbin/azure-nvme-id"))
    }

    @Test func dracutHookIsFound() {
        #expect(facts.initramfs.hooks == [.path("/usr/lib/dracut/modules.d/97azure-unmanaged-sriov")])
    }
}
