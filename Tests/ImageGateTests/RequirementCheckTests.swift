import Guest
import ImageGate
import PackageDatabases
import Testing

/// Each requirement's check on facts built for its branches (the inspectors' own tests cover how
/// the facts come out of guest trees; the end-to-end tests cover both on real images).
@Suite struct RequirementCheckTests {
    static func dpkg(_ name: String, _ version: String, revision: String? = nil, epoch: Int? = nil) -> PackageFact {
        PackageFact(
            InstalledPackage(manager: .dpkg, name: name, epoch: epoch, version: version, release: revision),
            evidence: [.path("/var/lib/dpkg/status")])
    }

    static func rpm(_ name: String, _ version: String, _ release: String) -> PackageFact {
        PackageFact(
            InstalledPackage(manager: .rpm, name: name, version: version, release: release),
            evidence: [.path("/var/lib/rpm/rpmdb.sqlite")])
    }

    static func kernel(
        _ release: String, owners: [String] = ["linux-image"], known: Bool = true, isDefault: Bool? = nil,
        missing: Set<String> = []
    ) -> KernelFacts {
        var k = KernelFacts(release: release, modulesDirectory: .path("/lib/modules/\(release)"))
        k.image = KernelImageFacts(path: .path("/boot/vmlinuz-\(release)"), modificationTime: 0)
        k.owners = owners
        k.ownershipKnown = known
        k.isDefault = isDefault
        k.drivers = DriverFacts.required.map { d in
            missing.contains(d.name)
                ? DriverFacts(name: d.name, presence: .missing, evidence: [])
                : DriverFacts(
                    name: d.name, presence: .module, evidence: [.path("/lib/modules/\(release)/kernel/\(d.name).ko")])
        }
        return k
    }

    static func facts(
        os id: String = "debian", version: String = "12", kernels: [KernelFacts] = [], readable: Bool = true
    ) -> GuestFacts {
        var f = GuestFacts()
        f.os = OSFacts(id: id, versionID: version, evidence: [.path("/etc/os-release")])
        f.packageDatabase =
            readable
            ? PackageDatabaseFacts(kind: "dpkg", evidence: [.path("/var/lib/dpkg/status")], packageCount: 100)
            : PackageDatabaseFacts(
                kind: "rpm-sqlite", evidence: [.path("/var/lib/rpm/rpmdb.sqlite")], unreadable: "bad page")
        f.kernels = kernels
        return f
    }

    func status(_ id: String, _ facts: GuestFacts, vmSize: String? = nil) -> Finding {
        guard let r = Requirement.catalog.first(where: { $0.id == id }) else { fatalError("no requirement \(id)") }
        return r.evaluate(CheckContext(facts: facts, vmSize: vmSize))
    }

    // MARK: kernel

    @Test func endorsedDistributionsOwnKernelPasses() {
        #expect(status("kernel", Self.facts(kernels: [Self.kernel("6.1.0-28-cloud-amd64")])).status == .pass)
    }

    @Test func customKernelOnEndorsedDistroNeeds612() {
        let old = status("kernel", Self.facts(kernels: [Self.kernel("6.1.0-custom", owners: [])]))
        #expect(old.status == .fail)
        #expect(old.found.contains("custom kernel"))
        #expect(status("kernel", Self.facts(kernels: [Self.kernel("6.12.3-custom", owners: [])])).status == .pass)
    }

    @Test func kernel612OnUnendorsedDistroPassesOlderFails() {
        #expect(
            status("kernel", Self.facts(os: "arch", version: "rolling", kernels: [Self.kernel("6.12.0")])).status
                == .pass)
        #expect(
            status("kernel", Self.facts(os: "debian", version: "11", kernels: [Self.kernel("5.10.0-30-cloud-amd64")]))
                .status == .fail)
    }

    @Test func noKernelFails() {
        let f = status("kernel", Self.facts())
        #expect(f.status == .fail)
        #expect(f.found == "no /lib/modules/<release>")
        #expect(f.remediation != nil)
    }

    @Test func unreadableDatabaseSkipsInsteadOfGuessing() {
        let f = status(
            "kernel",
            Self.facts(
                os: "rhel", version: "9.4", kernels: [Self.kernel("5.14.0-427.el9.x86_64", owners: [], known: false)],
                readable: false))
        #expect(f.status == .skip)
    }

    @Test func oracleLinuxNeedsUEKR7() {
        #expect(
            status(
                "kernel", Self.facts(os: "ol", version: "9.4", kernels: [Self.kernel("5.15.0-208.159.3.el9uek.x86_64")])
            ).status == .pass)
        #expect(
            status("kernel", Self.facts(os: "ol", version: "9.4", kernels: [Self.kernel("5.14.0-427.el9.x86_64")]))
                .status == .fail)
    }

    // MARK: drivers

    @Test func driversMissingOnTheDefaultKernelFail() {
        let f = status("drivers", Self.facts(kernels: [Self.kernel("6.1.0-28-cloud-amd64", missing: ["mana"])]))
        #expect(f.status == .fail)
        #expect(f.summary.contains("lacks mana"))
        #expect(f.found.contains("mana missing"))
    }

    @Test func driversMissingOnlyOnANonDefaultKernelWarn() {
        let ks = [
            Self.kernel("6.1.0-27-cloud-amd64", isDefault: false, missing: ["mlx4_core"]),
            Self.kernel("6.1.0-28-cloud-amd64", isDefault: true),
        ]
        #expect(status("drivers", Self.facts(kernels: ks)).status == .warn)
        #expect(status("drivers", Self.facts(kernels: [Self.kernel("6.1.0-28-cloud-amd64")])).status == .pass)
    }

    // MARK: cloud-init

    @Test func cloudInitVersions() {
        var f = Self.facts()
        f.cloudInit.package = Self.dpkg("cloud-init", "22.4.2", revision: "1+deb12u4")
        let old = status("cloud-init", f)
        #expect(old.status == .fail && old.found == "22.4.2-1+deb12u4")
        f.cloudInit.vfFilterPresent = true
        #expect(status("cloud-init", f).status == .warn)
        f.cloudInit.package = Self.rpm("cloud-init", "23.4", "7.el9")
        #expect(status("cloud-init", f).status == .pass)
        f.cloudInit.package = Self.dpkg("cloud-init", "23.2~rc1", revision: "1")
        #expect(status("cloud-init", f).status != .pass, "~ sorts before the release")
    }

    @Test func cloudInitAbsentFailsButUnreadableDatabaseSkips() {
        #expect(status("cloud-init", Self.facts()).status == .fail)
        #expect(status("cloud-init", Self.facts(readable: false)).status == .skip)
    }

    @Test func cloudInitFromSourceUsesThePythonVersion() {
        var f = Self.facts()
        f.cloudInit.pythonVersions = [
            PythonVersionFact(
                version: "24.1", variable: "__VERSION__",
                evidence: .path("/usr/lib/python3/dist-packages/cloudinit/version.py"))
        ]
        let r = status("cloud-init", f)
        #expect(r.status == .pass)
        #expect(r.found.contains("installed from source"))
    }

    // MARK: azure-vm-utils

    @Test func azureVMUtilsVersions() {
        var f = Self.facts()
        #expect(status("azure-vm-utils", f).status == .fail)
        f.azureVMUtils.package = Self.dpkg("azure-vm-utils", "0.6.0", revision: "2~bpo12+1")
        #expect(status("azure-vm-utils", f).status == .pass)
        f.azureVMUtils.package = Self.dpkg("azure-vm-utils", "0.5.2", revision: "1")
        #expect(status("azure-vm-utils", f).status == .fail)
        f.azureVMUtils.package = nil
        f.azureVMUtils.binaryVersion = PythonVersionFact(
            version: "0.6.1", variable: "binary", evidence: .path("/usr/sbin/azure-nvme-id"))
        let src = status("azure-vm-utils", f)
        #expect(src.status == .pass)
        #expect(src.found.contains("no package"))
    }

    // MARK: udev-rule

    static func etcRule(_ line: String) -> UdevRuleFacts {
        var file = UdevRuleFile(
            path: .path("/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"), isOverride: true, state: .present)
        file.activeLines = [line]
        return UdevRuleFacts(files: [file], searched: [])
    }

    @Test func udevRuleAbsentMaskedDifferentOrEquivalent() {
        var f = Self.facts()
        #expect(status("udev-rule", f).status == .fail)
        f.udevRule = UdevRuleFacts(files: [
            UdevRuleFile(
                path: .path("/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"), isOverride: true, state: .masked)
        ])
        #expect(status("udev-rule", f).found.hasPrefix("masked"))
        f.udevRule = Self.etcRule(
            #"ACTION!="remove", SUBSYSTEM=="net", DRIVERS=="mlx5_core|mana|mlx4_core", ATTR{flags}=="0x?[89ABCDEF]??", ENV{NM_UNMANAGED}="1", ENV{ID_NET_MANAGED_BY}="unmanaged", ENV{AZURE_UNMANAGED_SRIOV}="1""#
        )
        #expect(status("udev-rule", f).status == .pass)
        f.udevRule = Self.etcRule(
            #"SUBSYSTEM=="net", ACTION!="remove", DRIVERS=="mana|mlx4_core", ATTR{flags}=="0x?[89abcdef]??", ENV{AZURE_UNMANAGED_SRIOV}="1", ENV{ID_NET_MANAGED_BY}="unmanaged", ENV{NM_UNMANAGED}="1""#
        )
        let diff = status("udev-rule", f)
        #expect(diff.status == .fail)
        #expect(diff.found.contains("DRIVERS lacks mlx5_core"))
        #expect(diff.found.contains("ATTR{flags}"), "the documented upper case is compared as written")
        f.udevRule = UdevRuleFacts(files: [
            UdevRuleFile(
                path: .path("/usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules"), isOverride: false, state: .present)
        ])
        #expect(status("udev-rule", f).status == .pass)
    }

    @Test func legacyDropInsAreNamed() {
        var f = Self.facts()
        f.legacyDropIns = [
            LegacyDropInFacts(
                manager: "NetworkManager", path: .path("/etc/NetworkManager/conf.d/99-azure-unmanaged-devices.conf"),
                driversLine: "unmanaged-devices=driver:mlx4_core;driver:mlx5_core", coversMANA: false)
        ]
        #expect(status("udev-rule", f).summary.contains("99-azure-unmanaged-devices.conf"))
    }

    @Test func legacyNetworkManagerRuleIsNamedAndDoesNotCount() {
        var f = Self.facts()
        f.udevRule.legacyNetworkManagerRules = [.path("/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules")]
        let r = status("udev-rule", f)
        #expect(r.status == .fail)
        #expect(r.found == "absent (only the legacy 68-azure-sriov-nm-unmanaged.rules)")
        #expect(r.summary.contains("covers NetworkManager only"))
        #expect(r.evidence.contains("/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules"))
    }

    // MARK: network

    static func manager(_ name: NetworkManagerFacts.Name, _ interfaces: [String]) -> NetworkManagerFacts {
        var m = NetworkManagerFacts(name: name)
        m.installed = true
        m.enabled = true
        m.interfaces = interfaces
        m.enabledEvidence = [.path("/etc/systemd/system/multi-user.target.wants/x.service")]
        return m
    }

    @Test func networkManagersCountsActiveOnesAndDhclient() {
        var f = Self.facts()
        f.network.managers = [Self.manager(.ifupdown, ["eth0"])]
        #expect(status("network-managers", f).status == .pass)
        f.network.managers.append(Self.manager(.networkManager, ["*"]))
        #expect(status("network-managers", f).status == .fail)
        f.network.managers = [Self.manager(.ifupdown, [])]
        #expect(status("network-managers", f).status == .pass, "ifupdown with only lo is not active")
        f.network.dhclientCalls = [
            DhclientCallFacts(evidence: [.path("/etc/rc.local")], command: "dhclient eth0", interfaces: ["eth0"]),
            DhclientCallFacts(evidence: [.path("/etc/rc.local")], command: "dhclient eth1", interfaces: ["eth1"]),
        ]
        #expect(status("network-managers", f).status == .fail)
        f.network.dhclientCalls = [
            DhclientCallFacts(evidence: [.path("/etc/rc.local")], command: "dhclient", interfaces: [])
        ]
        #expect(status("network-managers", f).summary.contains("all interfaces"))
    }

    @Test func networkdUnmanagedBySystemdVersionOrGuardFile() {
        var f = Self.facts()
        #expect(status("networkd-unmanaged", f).status == .skip)
        f.network.managers = [Self.manager(.systemdNetworkd, ["eth0"])]
        f.network.systemdVersion = 254
        #expect(status("networkd-unmanaged", f).status == .warn)
        #expect(status("networkd-unmanaged", f).summary.contains("ignores ID_NET_MANAGED_BY"))
        // 255 to 257.6 honour ID_NET_MANAGED_BY only at first configuration (systemd#36997).
        f.network.systemdVersion = 255
        #expect(status("networkd-unmanaged", f).status == .warn)
        #expect(status("networkd-unmanaged", f).summary.contains("systemd#36997"))
        f.network.systemdVersion = 257
        f.network.systemdPointRelease = 6
        #expect(status("networkd-unmanaged", f).status == .warn)
        #expect(
            status("networkd-unmanaged", f).found
                == "systemd 257.6; no .network file with Property=AZURE_UNMANAGED_SRIOV=1 and Unmanaged=yes")
        f.network.systemdPointRelease = nil
        #expect(
            status("networkd-unmanaged", f).status == .warn, "257 without a point release is not known to hold the fix")
        f.network.systemdPointRelease = 7
        #expect(status("networkd-unmanaged", f).status == .pass)
        #expect(status("networkd-unmanaged", f).found == "systemd 257.7")
        f.network.systemdVersion = 258
        f.network.systemdPointRelease = nil
        #expect(status("networkd-unmanaged", f).status == .pass)
        f.network.systemdVersion = 254
        f.network.networkdFiles = [
            NetworkdFileFacts(
                name: "01-azure-unmanaged-sriov.network",
                path: .path("/usr/lib/systemd/network/01-azure-unmanaged-sriov.network"),
                match: ["Property=AZURE_UNMANAGED_SRIOV=1"], unmanaged: true),
            NetworkdFileFacts(
                name: "10-netplan-eth0.network", path: .path("/run/systemd/network/10-netplan-eth0.network"),
                match: ["Name=eth0"], unmanaged: false),
        ]
        #expect(status("networkd-unmanaged", f).status == .pass)
        f.network.networkdFiles.reverse()
        #expect(status("networkd-unmanaged", f).status == .warn)
    }

    @Test func nmManagedOverrideOnlyWhenNetworkManagerIsActive() {
        var f = Self.facts()
        f.network.networkManagerConfig.managedOverrides = [
            NetworkManagerManagedOverride(
                path: .path("/etc/NetworkManager/conf.d/90-all.conf"), section: "device", setting: "managed=1",
                matchDevice: nil)
        ]
        #expect(status("nm-managed-override", f).status == .skip)
        f.network.managers = [Self.manager(.networkManager, ["*"])]
        let warned = status("nm-managed-override", f)
        #expect(warned.status == .warn)
        #expect(warned.found == "/etc/NetworkManager/conf.d/90-all.conf [device] managed=1 (every device)")
        #expect(warned.evidence == ["/etc/NetworkManager/conf.d/90-all.conf"])
        f.network.networkManagerConfig = NetworkManagerConfigFacts(files: [
            .path("/etc/NetworkManager/NetworkManager.conf")
        ])
        let passed = status("nm-managed-override", f)
        #expect(passed.status == .pass)
        #expect(passed.found.contains("/etc/NetworkManager/NetworkManager.conf"))
    }

    @Test func rpFilterWarnsOnStrictOnly() {
        var f = Self.facts()
        let unset = status("rp-filter", f)
        #expect(unset.status == .pass)
        #expect(unset.found.contains("unset (kernel default 0)"))
        let file = Evidence.path("/etc/sysctl.d/10-network-security.conf")
        f.sysctl = SysctlFacts(
            files: [file],
            assignments: [
                SysctlAssignment(key: "net.ipv4.conf.default.rp_filter", value: "2", evidence: file, line: 1),
                SysctlAssignment(key: "net.ipv4.conf.all.rp_filter", value: "2", evidence: file, line: 2),
            ])
        #expect(status("rp-filter", f).status == .pass)
        let strict = Evidence.path("/etc/sysctl.conf")
        f.sysctl.assignments.append(
            SysctlAssignment(key: "net.ipv4.conf.*.rp_filter", value: "1", evidence: strict, line: 7))
        let warned = status("rp-filter", f)
        #expect(warned.status == .warn)
        #expect(warned.summary.contains("net.ipv4.conf.all.rp_filter = 1 in /etc/sysctl.conf:7"))
        #expect(warned.summary.contains("2026-07"))
        #expect(warned.remediation?.contains("99-azure-an-rpfilter.conf") == true)
    }

    @Test func macOnlyMatchesWarn() {
        var f = Self.facts()
        #expect(status("synthetic-binding", f).status == .pass)
        f.network.macOnlyMatches = [
            MACMatchFacts(
                kind: "netplan", path: .path("/etc/netplan/50-cloud-init.yaml"), macAddress: "00:0d:3a:00:00:01",
                location: "ethernets.eth0")
        ]
        #expect(status("synthetic-binding", f).status == .warn)
    }

    @Test func cloudInitAzureDatasourceAndDisableMarkers() {
        var f = Self.facts()
        #expect(status("cloud-init-azure", f).status == .skip)
        f.cloudInit.package = Self.dpkg("cloud-init", "23.4", revision: "1")
        #expect(status("cloud-init-azure", f).status == .pass)
        f.cloudInit.datasourceList = ["NoCloud", "None"]
        #expect(status("cloud-init-azure", f).status == .warn)
        f.cloudInit.datasourceList = ["Azure"]
        f.cloudInit.disableMarkers = [
            DisableMarker(
                reason: "/etc/cloud/cloud-init.disabled exists", evidence: [.path("/etc/cloud/cloud-init.disabled")])
        ]
        #expect(status("cloud-init-azure", f).status == .warn)
    }

    @Test func initramfsRuleOnlyWithAHook() {
        var f = Self.facts(kernels: [Self.kernel("6.1.0-28-cloud-amd64")])
        #expect(status("initramfs-rule", f).status == .skip)
        f.initramfs = InitramfsFacts(hooks: [.path("/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov")])
        var image = InitramfsImageFacts(path: .path("/boot/initrd.img-6.1.0-28-cloud-amd64"), modificationTime: 100)
        image.containsRule = false
        f.kernels[0].initramfs = image
        f.azureVMUtils.package = PackageFact(
            InstalledPackage(manager: .dpkg, name: "azure-vm-utils", version: "0.6.0"), evidence: [], installTime: 200)
        let stale = status("initramfs-rule", f)
        #expect(stale.status == .warn)
        #expect(stale.summary.contains("predates"))
        f.kernels[0].initramfs?.containsRule = true
        #expect(status("initramfs-rule", f).status == .pass)
    }

    @Test func vmSizes() {
        let f = Self.facts()
        #expect(status("vm-size", f).status == .skip)
        #expect(status("vm-size", f, vmSize: "Standard_D4s_v5").status == .pass)
        #expect(status("vm-size", f, vmSize: "standard_d2s_v5").status == .fail, "2 hyperthreaded vCPUs")
        #expect(status("vm-size", f, vmSize: "Standard_DS2_v2").status == .pass)
        #expect(status("vm-size", f, vmSize: "Standard_NV12s_v3").status == .fail)
        #expect(status("vm-size", f, vmSize: "Standard_B2s").status == .fail)
        let unknown = status("vm-size", f, vmSize: "Standard_Z99")
        #expect(unknown.status == .skip && unknown.summary.contains("--skus"))
    }

    @Test func vfTrafficNeedsARunningVM() {
        #expect(status("vf-traffic", Self.facts()).status == .skip)
    }
}
