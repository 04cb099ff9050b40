import Guest

extension Requirement {
    static let networkManagers = Requirement(
        id: "network-managers", title: "One network manager, and no dhclient run directly on several interfaces",
        severity: .must,
        expected: "at most one active manager among ifupdown, systemd-networkd, NetworkManager, wicked, network-scripts (netplan counts as its renderer); no dhclient started directly on more than one interface",
        reference: source("Configure drivers to be unmanaged"),
        remediation: "Keep one network manager enabled (disable or remove the others), and let it run DHCP instead of calling dhclient directly."
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
        if active.count > 1 { problems.append("\(active.count) managers are active: \(active.map(\.name.rawValue).joined(separator: ", "))") }
        if allInterfaces { problems.append("dhclient is run directly without an interface (all interfaces)") }
        if ifaces.count > 1 { problems.append("dhclient is run directly on \(ifaces.count) interfaces (\(ifaces.sorted().joined(separator: ", ")))") }
        if !problems.isEmpty {
            return Outcome(.fail, found: found, evidence: evidence, summary: problems.joined(separator: "; ") + ".")
        }
        if active.isEmpty {
            return Outcome(
                .pass, found: found, evidence: n.ifupdown.files + n.netplan.files,
                summary: "No network manager is active for a non-loopback interface, so none competes for the VF.")
        }
        return Outcome(.pass, found: found, evidence: evidence, summary: "One network manager is active: \(active[0].name.rawValue).")
    }

    static let networkdUnmanaged = Requirement(
        id: "networkd-unmanaged", title: "systemd-networkd older than 255 also leaves the VF alone", severity: .should,
        expected: "systemd >= 255 (honours ID_NET_MANAGED_BY), or a .network file matching Property=AZURE_UNMANAGED_SRIOV=1 with Unmanaged=yes that sorts first",
        reference: source("Configure drivers to be unmanaged") + " (the rule's comment)",
        remediation: "Install azure-vm-utils 0.6.0 or later (it ships 01-azure-unmanaged-sriov.network), or add a .network file with [Match] Property=AZURE_UNMANAGED_SRIOV=1 and [Link] Unmanaged=yes that sorts before the others."
    ) { ctx in
        let n = ctx.facts.network
        guard let networkd = n.manager(.systemdNetworkd), networkd.isActive else {
            return Outcome(.skip, found: "systemd-networkd not active", summary: "systemd-networkd is not active; nothing to check.")
        }
        if let v = n.systemdVersion, v >= 255 {
            return Outcome(.pass, found: "systemd \(v)", evidence: n.systemdVersionEvidence, summary: "systemd \(v) honours ID_NET_MANAGED_BY=unmanaged.")
        }
        let version = n.systemdVersion.map { "systemd \($0)" } ?? "systemd version unknown"
        let files = n.networkdFiles
        let isGuard: (NetworkdFileFacts) -> Bool = { $0.unmanaged && $0.matchValues("Property").contains("AZURE_UNMANAGED_SRIOV=1") }
        let evidence = n.systemdVersionEvidence + files.map(\.path)
        guard let g = files.firstIndex(where: isGuard) else {
            return Outcome(
                .warn, found: "\(version); no .network file with Property=AZURE_UNMANAGED_SRIOV=1 and Unmanaged=yes", evidence: evidence,
                summary: "\(version) ignores ID_NET_MANAGED_BY and no .network file leaves the VF unmanaged.")
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

    static let syntheticBinding = Requirement(
        id: "synthetic-binding", title: "Network configuration binds to the synthetic interface, not to the VF",
        severity: .should, expected: "no interface matched by MAC address alone",
        reference: source("Dynamic binding and revocation of virtual function"),
        remediation: "Match the synthetic interface by driver (hv_netvsc) or name as well as MAC: the VF has the same MAC address."
    ) { ctx in
        let n = ctx.facts.network
        if n.macOnlyMatches.isEmpty {
            return Outcome(
                .pass, found: "none in \(n.interfaceConfigFiles.count) file(s)", evidence: n.interfaceConfigFiles,
                summary: "No configuration matches an interface by MAC address alone.")
        }
        let found = n.macOnlyMatches.map { "\($0.kind) \($0.path.value) \($0.location) matches \($0.macAddress)" }.joined(separator: "; ")
        return Outcome(
            .warn, found: found, evidence: n.macOnlyMatches.map(\.path),
            summary: "\(n.macOnlyMatches.count) configuration(s) match by MAC address alone and may bind the VF.")
    }

    static let cloudInitAzure = Requirement(
        id: "cloud-init-azure", title: "cloud-init is enabled and may use the Azure datasource", severity: .should,
        expected: "cloud-init units enabled, no cloud-init.disabled, datasource_list unset or containing Azure",
        reference: source("Configure drivers to be unmanaged"),
        remediation: "Enable cloud-init (systemctl enable cloud-init.target), remove /etc/cloud/cloud-init.disabled, and include Azure in datasource_list."
    ) { ctx in
        let c = ctx.facts.cloudInit
        guard !c.isAbsent else { return Outcome(.skip, found: "cloud-init absent", summary: "cloud-init is not installed.") }
        var problems = c.disableMarkers.map(\.reason)
        if let list = c.datasourceList, !list.contains(where: { $0.lowercased() == "azure" }) {
            problems.append("datasource_list [\(list.joined(separator: ", "))] lacks Azure")
        }
        let evidence = c.disableMarkers.flatMap(\.evidence) + c.datasourceEvidence + c.units.flatMap(\.evidence)
        let ds = c.datasourceList.map { "datasource_list [\($0.joined(separator: ", "))]" } ?? "default datasource_list"
        if problems.isEmpty {
            return Outcome(.pass, found: "enabled; \(ds)", evidence: evidence, summary: "cloud-init is enabled and may use the Azure datasource.")
        }
        return Outcome(.warn, found: problems.joined(separator: "; "), evidence: evidence, summary: problems.joined(separator: "; ") + ".")
    }
}
