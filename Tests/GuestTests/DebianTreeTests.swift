import FileSystems
import Foundation
import Guest
import PackageDatabases
import Testing

/// images/trees/inspect-debian12: merged /usr, dpkg, a packaged and a custom kernel, ifupdown.
@Suite struct DebianTreeTests {
    let facts: GuestFacts

    init() throws { facts = try Trees.facts("inspect-debian12") }

    @Test func osReleaseIsReadThroughItsSymlinkToUsrLib() {
        #expect(facts.os.id == "debian")
        #expect(facts.os.versionID == "12")
        #expect(facts.os.prettyName == "Debian GNU/Linux 12 (bookworm)")
        #expect(facts.os.evidence == [.path("/etc/os-release"), .path("/usr/lib/os-release")])
        #expect(facts.os.unreadable == nil)
    }

    @Test func dpkgListsOnlyInstalledPackages() throws {
        #expect(facts.packageDatabase.kind == "dpkg")
        #expect(facts.packageDatabase.isReadable)
        #expect(facts.packageDatabase.packageCount == 6)  // network-manager is config-files only
        let cloudInit = try #require(facts.package(named: "cloud-init"))
        #expect(cloudInit.fullVersion == "22.4.2-1+deb12u1")
        #expect(cloudInit.upstreamVersion == "22.4.2")
        #expect(cloudInit.compareUpstream(to: "23.2") < 0)
        #expect(cloudInit.evidence == [.path("/var/lib/dpkg/status")])
        #expect(cloudInit.installTime != nil)
        #expect(facts.package(named: "network-manager") == nil)
        #expect(facts.package(named: "isc-dhcp-client")?.fullVersion == "4.4.3-P1-2")  // held
        #expect(facts.package(named: "libc6") == nil)  // installed but not of interest
    }

    @Test func kernelsComeFromUsrLibModulesOnceAndOwnersAreMergedUsrAware() throws {
        #expect(facts.kernels.map(\.release) == ["6.1.0-28-cloud-amd64", "6.12.0-custom"])
        let debian = facts.kernels[0]
        #expect(debian.modulesDirectory == .path("/lib/modules/6.1.0-28-cloud-amd64"))
        #expect(debian.owners == ["linux-image-6.1.0-28-cloud-amd64"])
        #expect(debian.ownershipKnown)
        #expect(debian.config == .path("/boot/config-6.1.0-28-cloud-amd64"))
        let image = try #require(debian.image)
        #expect(image.builtRelease == "6.1.0-28-cloud-amd64")
        #expect(image.versionString?.hasPrefix("6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP") == true)
        let custom = facts.kernels[1]
        #expect(custom.owners.isEmpty)
        #expect(custom.ownershipKnown)
        #expect(custom.isBootable)
    }

    @Test func grubDefaultInASubmenuIsFound() {
        #expect(facts.boot.defaultRelease == "6.1.0-28-cloud-amd64")
        #expect(facts.kernels.map(\.isDefault) == [true, false])
        #expect(facts.boot.evidence.contains(.path("/boot/grub/grub.cfg")))
    }

    @Test func packagedKernelHasEveryDriverAsAModuleFile() {
        let drivers = facts.kernels[0].drivers
        #expect(drivers.map(\.name) == ["hv_vmbus", "hv_netvsc", "pci_hyperv", "mlx4_core", "mlx5_core", "mana"])
        #expect(drivers.allSatisfy { $0.presence == .module })
        #expect(
            drivers[2].evidence == [
                .path("/lib/modules/6.1.0-28-cloud-amd64/kernel/drivers/pci/controller/pci-hyperv.ko")
            ])
        #expect(drivers[4].config == ["CONFIG_MLX5_CORE=m", "CONFIG_MLX5_CORE_EN=y"])
    }

    @Test func customKernelDriversFollowBuiltinConfigAndStrippedModules() {
        let d = Dictionary(uniqueKeysWithValues: facts.kernels[1].drivers.map { ($0.name, $0) })
        #expect(d["hv_vmbus"]?.presence == .builtin)  // CONFIG_HYPERV=y
        #expect(d["hv_vmbus"]?.evidence == [.path("/boot/config-6.12.0-custom")])
        #expect(d["hv_netvsc"]?.presence == .module)  // .ko.xz
        #expect(d["pci_hyperv"]?.presence == .module)  // pci_hyperv.ko.gz: `-` and `_` are equal
        #expect(d["mana"]?.presence == .builtin)  // modules.builtin only
        #expect(d["mana"]?.evidence == [.path("/lib/modules/6.12.0-custom/modules.builtin")])
        #expect(d["mlx4_core"]?.presence == .missing)  // =m, file missing
        #expect(d["mlx4_core"]?.note?.contains("CONFIG_MLX4_CORE=m") == true)
        #expect(d["mlx4_core"]?.note?.contains("stripped") == true)
        #expect(d["mlx5_core"]?.presence == .missing)  // =y but CONFIG_MLX5_CORE_EN unset
        #expect(d["mlx5_core"]?.note?.contains("CONFIG_MLX5_CORE_EN") == true)
        #expect(d["mlx5_core"]?.summary == "missing")
    }

    @Test func cloudInitPythonVersionDatasourceAndDisableMarkers() {
        let c = facts.cloudInit
        #expect(c.pythonVersions.map(\.version) == ["22.4.2"])
        #expect(c.pythonVersions.first?.variable == "__VERSION__")
        #expect(c.pythonVersions.first?.evidence == .path("/usr/lib/python3/dist-packages/cloudinit/version.py"))
        #expect(c.vfFilterPresent == false)
        #expect(c.datasourceList == ["NoCloud", "None"])  // the later file wins, without Azure
        #expect(c.datasourceEvidence.first == .path("/etc/cloud/cloud.cfg.d/90_dpkg.cfg"))
        let reasons = c.disableMarkers.map(\.reason)
        #expect(reasons.contains("/etc/cloud/cloud-init.disabled exists"))
        #expect(reasons.contains("cloud-final.service is masked"))
        #expect(!reasons.contains { $0.hasPrefix("cloud-init.service") })
    }

    @Test func maskedRuleHidesTheVendorCopy() throws {
        let files = facts.udevRule.files
        #expect(files.count == 2)  // /lib/udev is /usr/lib/udev here: listed once
        let effective = try #require(facts.udevRule.effective)
        #expect(effective.path == .path("/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"))
        #expect(effective.isOverride)
        #expect(effective.state == .masked)
        #expect(files[1].state == .present)
        #expect(
            files[1].rules.first?.contains(UdevRuleToken(key: "DRIVERS", op: "==", value: "mana|mlx4_core|mlx5_core"))
                == true)
        #expect(files[1].rules.first?.count == 7)
    }

    @Test func legacyNetworkManagerDropInMissesMANA() {
        #expect(facts.legacyDropIns.count == 1)
        #expect(facts.legacyDropIns.first?.coversMANA == false)
        #expect(facts.legacyDropIns.first?.driversLine == "unmanaged-devices=driver:mlx4_core;driver:mlx5_core")
    }

    @Test func ifupdownFollowsSourcesAndFindsDhclientOnTwoInterfaces() throws {
        let ifupdown = try #require(facts.network.manager(.ifupdown))
        #expect(ifupdown.installed)
        #expect(ifupdown.enabled)
        #expect(ifupdown.interfaces == ["eth0", "eth3"])  // lo excluded, ignored.cfg not read
        #expect(ifupdown.isActive)
        #expect(
            facts.network.ifupdown.files.map(\.value) == [
                "/etc/network/interfaces", "/etc/network/interfaces.d/50-cloud-init",
                "/etc/network/interfaces.extra/eth3",
            ])
        #expect(facts.network.dhclientCalls.count == 1)
        #expect(facts.network.dhclientCalls.first?.interfaces == ["eth1", "eth2"])
        #expect(facts.network.activeManagers.map(\.name) == [.ifupdown])
        #expect(facts.network.systemdVersion == 252)
    }

    @Test func factsEncodeAsJSONWithEvidenceStrings() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(facts), as: UTF8.self)
        #expect(json.contains("\"evidence\":[\"\\/etc\\/os-release\",\"\\/usr\\/lib\\/os-release\"]"))
        #expect(!json.contains("\"database\""))
        let back = try JSONDecoder().decode(GuestFacts.self, from: Data(json.utf8))
        #expect(back.os == facts.os)
        #expect(back.kernels == facts.kernels)
        #expect(try encoder.encode(back) == encoder.encode(facts))
    }

    @Test func inspectionIsDeterministic() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(Trees.facts("inspect-debian12")) == encoder.encode(facts))
    }
}
