import Guest

extension Requirement {
    static let networkManagers = Requirement(
        id: "network-managers", title: "One network manager, and no dhclient run directly on several interfaces",
        severity: .must,
        expected:
            "at most one active manager among ifupdown, systemd-networkd, NetworkManager, wicked, network-scripts (netplan counts as its renderer); no dhclient started directly on more than one interface",
        reference: source("Configure drivers to be unmanaged"),
        remediation:
            "Keep one network manager enabled (disable or remove the others), and let it run DHCP instead of calling dhclient directly."
    ) { ctx in
        let n = ctx.facts.network
        let active = n.managers.filter { $0.name != .netplan && $0.isActive }
        var lines = active.map { m in
            "\(m.name.rawValue) on \(m.interfaces.joined(separator: ", ")) (\((m.enabledEvidence + m.configEvidence).map(\.value).joined(separator: ", ")))"
        }
        let ifaces = Set(n.dhclientCalls.flatMap(\.interfaces))
        let allInterfaces = n.dhclientCalls.contains { $0.interfaces.isEmpty }
        lines += n.dhclientCalls.map { c in
            "dhclient \(c.interfaces.isEmpty ? "on every interface" : "on " + c.interfaces.joined(separator: ", ")) (\(c.evidence.map(\.value).joined(separator: ", ")))"
        }
        let evidence = active.flatMap { $0.enabledEvidence + $0.configEvidence } + n.dhclientCalls.flatMap(\.evidence)
        let found = lines.isEmpty ? "no active network manager" : lines.joined(separator: "; ")
        var problems: [String] = []
        if active.count > 1 {
            problems.append(
                "\(active.count) managers are active: \(active.map(\.name.rawValue).joined(separator: ", "))")
        }
        if allInterfaces { problems.append("dhclient is run directly without an interface (all interfaces)") }
        if ifaces.count > 1 {
            problems.append(
                "dhclient is run directly on \(ifaces.count) interfaces (\(ifaces.sorted().joined(separator: ", ")))")
        }
        if !problems.isEmpty {
            return Outcome(.fail, found: found, evidence: evidence, summary: problems.joined(separator: "; ") + ".")
        }
        if active.isEmpty {
            return Outcome(
                .pass, found: found, evidence: n.ifupdown.files + n.netplan.files,
                summary: "No network manager is active for a non-loopback interface, so none competes for the VF.")
        }
        return Outcome(
            .pass, found: found, evidence: evidence,
            summary: "One network manager is active: \(active[0].name.rawValue).")
    }

    /// The systemd release whose networkd honours `ID_NET_MANAGED_BY` on reconfigure too: the fix for
    /// systemd#36997 (PR #37809) shipped in 257.7; azure-vm-utils' selftest uses the same threshold.
    static let networkdFixedRelease = (major: 257, point: 7)
    /// The release that added `ID_NET_MANAGED_BY` (honoured at first configuration only until 257.7).
    static let networkdManagedByRelease = 255

    static let networkdUnmanaged = Requirement(
        id: "networkd-unmanaged", title: "systemd-networkd older than 257.7 also leaves the VF alone",
        severity: .should,
        expected:
            "systemd >= 257.7 (honours ID_NET_MANAGED_BY, systemd#36997 fixed), or a .network file matching Property=AZURE_UNMANAGED_SRIOV=1 with Unmanaged=yes that sorts first",
        reference: source("Configure drivers to be unmanaged") + " (the rule's comment); systemd#36997",
        remediation:
            "Install azure-vm-utils 0.6.0 or later (it ships 01-azure-unmanaged-sriov.network), or add a .network file with [Match] Property=AZURE_UNMANAGED_SRIOV=1 and [Link] Unmanaged=yes that sorts before the others."
    ) { ctx in
        let n = ctx.facts.network
        guard let networkd = n.manager(.systemdNetworkd), networkd.isActive else {
            return Outcome(
                .skip, found: "systemd-networkd not active",
                summary: "systemd-networkd is not active; nothing to check.")
        }
        let fixed = networkdFixedRelease
        let release = n.systemdVersion.map { v in n.systemdPointRelease.map { "\(v).\($0)" } ?? "\(v)" }
        if let v = n.systemdVersion,
            v > fixed.major || (v == fixed.major && (n.systemdPointRelease ?? 0) >= fixed.point)
        {
            return Outcome(
                .pass, found: "systemd \(release ?? "\(v)")", evidence: n.systemdVersionEvidence,
                summary: "systemd \(release ?? "\(v)") honours ID_NET_MANAGED_BY=unmanaged, also on reconfigure.")
        }
        let bug: String
        if let v = n.systemdVersion, v >= networkdManagedByRelease {
            bug = " honours ID_NET_MANAGED_BY only at first configuration (systemd#36997, fixed in 257.7)"
        } else {
            bug = " ignores ID_NET_MANAGED_BY"
        }
        let version = release.map { "systemd \($0)" } ?? "systemd version unknown"
        let files = n.networkdFiles
        let isGuard: (NetworkdFileFacts) -> Bool = {
            $0.unmanaged && $0.matchValues("Property").contains("AZURE_UNMANAGED_SRIOV=1")
        }
        let evidence = n.systemdVersionEvidence + files.map(\.path)
        guard let g = files.firstIndex(where: isGuard) else {
            return Outcome(
                .warn, found: "\(version); no .network file with Property=AZURE_UNMANAGED_SRIOV=1 and Unmanaged=yes",
                evidence: evidence,
                summary: "\(version)\(bug) and no .network file leaves the VF unmanaged.")
        }
        let loopbackOnly: (NetworkdFileFacts) -> Bool = { f in f.matchValues("Name") == ["lo"] }
        if let earlier = files[..<g].first(where: { !loopbackOnly($0) }) {
            return Outcome(
                .warn, found: "\(version); \(files[g].name) sorts after \(earlier.name)", evidence: evidence,
                summary: "\(earlier.name) is read before \(files[g].name) and may match the VF first.")
        }
        return Outcome(
            .pass, found: "\(version); \(files[g].path.value)", evidence: evidence,
            summary: "\(files[g].name) leaves the VF unmanaged and sorts first.")
    }

    static let nmManagedOverride = Requirement(
        id: "nm-managed-override", title: "No NetworkManager configuration overrides the rule's NM_UNMANAGED",
        severity: .should,
        expected:
            "no [device] section with managed=1 whose match-device covers the VF (none, *, driver:mana|mlx4_core|mlx5_core, interface-name:*), and no [main]/[keyfile] managed=1",
        reference: source("Configure drivers to be unmanaged") + "; NetworkManager.conf(5)",
        remediation:
            "Remove managed=1 from that section, or narrow its match-device to the synthetic NIC (driver:hv_netvsc) or add except:driver:mana,except:driver:mlx4_core,except:driver:mlx5_core."
    ) { ctx in
        let n = ctx.facts.network
        guard let nm = n.manager(.networkManager), nm.isActive else {
            return Outcome(
                .skip, found: "NetworkManager not active", summary: "NetworkManager is not active; nothing to check.")
        }
        let conf = n.networkManagerConfig
        let read = conf.files.isEmpty ? "no configuration file" : conf.files.map(\.value).joined(separator: ", ")
        guard !conf.managedOverrides.isEmpty else {
            return Outcome(
                .pass, found: "no managed override in \(read)", evidence: conf.files,
                summary: "No NetworkManager setting forces the VF managed; udev's NM_UNMANAGED=1 holds.")
        }
        let found = conf.managedOverrides.map { o in
            "\(o.path.value) [\(o.section)] \(o.setting)"
                + (o.matchDevice.map { " match-device=\($0)" } ?? " (every device)")
        }.joined(separator: "; ")
        return Outcome(
            .warn, found: found, evidence: conf.managedOverrides.map(\.path) + conf.files,
            summary:
                "NetworkManager treats udev's NM_UNMANAGED=1 as its weakest condition; \(found) forces the VF managed.")
    }

    static let syntheticBinding = Requirement(
        id: "synthetic-binding", title: "Network configuration binds to the synthetic interface, not to the VF",
        severity: .should, expected: "no interface matched by MAC address alone",
        reference: source("Dynamic binding and revocation of virtual function"),
        remediation:
            "Match the synthetic interface by driver (hv_netvsc) or name as well as MAC: the VF has the same MAC address."
    ) { ctx in
        let n = ctx.facts.network
        if n.macOnlyMatches.isEmpty {
            return Outcome(
                .pass, found: "none in \(n.interfaceConfigFiles.count) file(s)", evidence: n.interfaceConfigFiles,
                summary: "No configuration matches an interface by MAC address alone.")
        }
        let found = n.macOnlyMatches.map { "\($0.kind) \($0.path.value) \($0.location) matches \($0.macAddress)" }
            .joined(separator: "; ")
        return Outcome(
            .warn, found: found, evidence: n.macOnlyMatches.map(\.path),
            summary: "\(n.macOnlyMatches.count) configuration(s) match by MAC address alone and may bind the VF.")
    }

    static let cloudInitAzure = Requirement(
        id: "cloud-init-azure", title: "cloud-init is enabled and may use the Azure datasource", severity: .should,
        expected: "cloud-init units enabled, no cloud-init.disabled, datasource_list unset or containing Azure",
        reference: source("Configure drivers to be unmanaged"),
        remediation:
            "Enable cloud-init (systemctl enable cloud-init.target), remove /etc/cloud/cloud-init.disabled, and include Azure in datasource_list."
    ) { ctx in
        let c = ctx.facts.cloudInit
        guard !c.isAbsent else {
            return Outcome(.skip, found: "cloud-init absent", summary: "cloud-init is not installed.")
        }
        var problems = c.disableMarkers.map(\.reason)
        if let problem = azureDatasourceProblem(c) { problems.append(problem) }
        let evidence = c.disableMarkers.flatMap(\.evidence) + c.datasourceEvidence + c.units.flatMap(\.evidence)
        let ds = c.datasourceList.map { "datasource_list [\($0.joined(separator: ", "))]" } ?? "default datasource_list"
        if problems.isEmpty {
            return Outcome(
                .pass, found: "enabled; \(ds)", evidence: evidence,
                summary: "cloud-init is enabled and may use the Azure datasource.")
        }
        return Outcome(
            .warn, found: problems.joined(separator: "; "), evidence: evidence,
            summary: problems.joined(separator: "; ") + ".")
    }
}
