import Guest
import Testing

/// images/trees/inspect-ubuntu2404: separate /lib, netplan, networkd, NetworkManager, dhclient units.
@Suite struct UbuntuTreeTests {
    let facts: GuestFacts

    init() throws { facts = try Trees.facts("inspect-ubuntu2404") }

    @Test func osAndPackages() throws {
        #expect(facts.os.id == "ubuntu")
        #expect(facts.os.idLike == ["debian"])
        #expect(facts.os.evidence == [.path("/etc/os-release")])
        let avu = try #require(facts.azureVMUtils.package)
        #expect(avu.fullVersion == "0.6.0-4~ubuntu0.24.04.1")
        #expect(avu.compareUpstream(to: "0.6.0") == 0)
        #expect(facts.azureVMUtils.binaries.isEmpty)
    }

    @Test func kernelWithZstdModulesAndGrubDefaultFromEtcDefault() throws {
        let k = try #require(facts.kernels.first)
        #expect(k.release == "6.8.0-1021-azure")
        #expect(k.drivers.allSatisfy { $0.presence == .module })
        #expect(k.drivers.first?.evidence.first?.value.hasSuffix("hv_vmbus.ko.zst") == true)
        #expect(k.owners == ["linux-image-6.8.0-1021-azure"])
        #expect(facts.boot.defaultRelease == "6.8.0-1021-azure")
        #expect(facts.boot.evidence == [.path("/etc/default/grub")])
    }

    @Test func etcOverrideMissingADriverIsTheEffectiveRule() throws {
        let effective = try #require(facts.udevRule.effective)
        #expect(effective.path == .path("/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"))
        #expect(effective.state == .present)
        #expect(effective.activeLines.count == 1)  // continuations joined, comment dropped
        #expect(effective.rules[0].first { $0.key == "DRIVERS" }?.value == "mana|mlx4_core")
        let vendor = facts.udevRule.files[1]
        #expect(vendor.path == .path("/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"))
        #expect(vendor.owners == ["azure-vm-utils"])
        #expect(facts.udevRule.files.count == 2)  // no /lib/udev copy
    }

    @Test func hookInstalledButNoInitramfsImage() {
        #expect(facts.initramfs.hooks == [.path("/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov")])
        #expect(facts.initramfs.imagesNotRead == nil)
        #expect(facts.kernels.first?.initramfs == nil)
    }

    @Test func netplanRendererAndMACOnlyMatches() {
        #expect(facts.network.netplan.renderer == "networkd")
        #expect(facts.network.netplan.interfaces == ["eth0", "eth1"])
        let kinds = facts.network.macOnlyMatches.map { "\($0.kind) \($0.path.value) \($0.location)" }
        #expect(
            kinds == [
                "NetworkManager /etc/NetworkManager/system-connections/eth0.nmconnection [ethernet]",
                "netplan /etc/netplan/50-cloud-init.yaml ethernets.eth0",
            ])
        #expect(facts.network.interfaceConfigFiles.count == 7)
    }

    @Test func networkdFilesAreMergedByNameEtcWinning() {
        let files = facts.network.networkdFiles
        #expect(files.map(\.name) == ["01-azure-unmanaged.network", "10-mac.network", "80-lo.network"])
        #expect(files[0].unmanaged)
        #expect(files[0].matchValues("Property") == ["AZURE_UNMANAGED_SRIOV=1"])
        #expect(files[1].path == .path("/etc/systemd/network/10-mac.network"))
        #expect(files[1].match == ["MACAddress=00:0d:3a:aa:bb:cc", "Driver=hv_netvsc"])
        #expect(facts.network.systemdVersion == 255)
    }

    @Test func twoManagersAreActiveAndDhclientRunsFromAUnitAndRcLocal() throws {
        #expect(facts.network.activeManagers.map(\.name) == [.systemdNetworkd, .networkManager])
        let networkd = try #require(facts.network.manager(.systemdNetworkd))
        #expect(networkd.interfaces.contains("eth0"))
        #expect(!networkd.interfaces.contains("lo"))
        #expect(networkd.version == "255")
        let calls = facts.network.dhclientCalls
        #expect(calls.count == 2)
        #expect(calls.first { $0.evidence.first == .path("/etc/rc.local") }?.interfaces == [])
        #expect(
            calls.first { $0.evidence.first == .path("/lib/systemd/system/dhclient@.service") }?.interfaces == ["eth0"])
    }

    @Test func cloudInitPackagedVersionAndFilter() {
        #expect(facts.cloudInit.pythonVersions.map(\.version) == ["24.4-0ubuntu1~24.04.2"])
        #expect(facts.cloudInit.pythonVersions.first?.variable == "_PACKAGED_VERSION")
        #expect(facts.cloudInit.vfFilterPresent == true)
        #expect(facts.cloudInit.datasourceList == ["Azure"])
        #expect(facts.cloudInit.disableMarkers.isEmpty)
    }
}
