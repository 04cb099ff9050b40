import Guest

extension Requirement {
    /// Why cloud-init would not consider the Azure datasource, nil when it would: an unset
    /// `datasource_list` (cloud-init's default list includes Azure) or one naming Azure. The one
    /// judgement behind both `cloud-init-azure` and `cloud-init-datasource`.
    static func azureDatasourceProblem(_ c: CloudInitFacts) -> String? {
        guard let list = c.datasourceList, !list.contains(where: { $0.lowercased() == "azure" }) else { return nil }
        return "datasource_list [\(list.joined(separator: ", "))] lacks Azure"
    }

    static let cloudInitDatasource = Requirement(
        id: "cloud-init-datasource", title: "cloud-init's datasource_list contains Azure", severity: .should,
        expected: "datasource_list unset (the default includes Azure) or containing Azure",
        reference: ProvisioningSources.joined(
            ProvisioningSources.generic, ProvisioningSources.redHat, ProvisioningSources.suse,
            ProvisioningSources.ubuntu),
        remediation:
            "Set datasource_list: [ Azure ] in /etc/cloud/cloud.cfg.d/90-azure.cfg (or remove the list that leaves Azure out)."
    ) { ctx in
        let c = ctx.facts.cloudInit
        guard !c.isAbsent else {
            return Outcome(.skip, found: "cloud-init absent", summary: "cloud-init is not installed.")
        }
        let ds = c.datasourceList.map { "datasource_list [\($0.joined(separator: ", "))]" } ?? "default datasource_list"
        guard let problem = azureDatasourceProblem(c) else {
            let winner = c.datasourceList == nil ? [] : Array(c.datasourceEvidence.prefix(1))
            return Outcome(
                .pass, found: ds + (winner.first.map { " (\($0.value))" } ?? ""),
                evidence: winner.isEmpty ? c.datasourceEvidence : winner,
                summary: c.datasourceList == nil
                    ? "No configuration sets datasource_list, so cloud-init's default list (which includes Azure) applies."
                    : "cloud-init may use the Azure datasource.")
        }
        let winner = c.datasourceEvidence.first?.value ?? "/etc/cloud/cloud.cfg.d/90-azure.cfg"
        return Outcome(
            .warn, found: "\(problem) (\(winner))", evidence: c.datasourceEvidence,
            summary: "\(problem): cloud-init would not read the VM's user, SSH key and hostname from Azure.",
            remediation: "In \(winner) set datasource_list: [ Azure ] (it is the file whose datasource_list wins).")
    }

    static let cloudInitLeftovers = Requirement(
        id: "cloud-init-leftovers", title: "No installer configuration left in cloud-init", severity: .should,
        expected:
            "no /etc/cloud/cloud.cfg.d/50-curtin-networking.cfg, curtin-preserve-sources.cfg, 99-installer.cfg, subiquity-disable-cloudinit-networking.cfg, nor /etc/cloud/ds-identify.cfg",
        reference: ProvisioningSources.ubuntu,
        remediation:
            "Delete the installer's files before capture: rm -f /etc/cloud/cloud.cfg.d/50-curtin-networking.cfg /etc/cloud/cloud.cfg.d/curtin-preserve-sources.cfg /etc/cloud/cloud.cfg.d/99-installer.cfg /etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg /etc/cloud/ds-identify.cfg."
    ) { ctx in
        let l = ctx.facts.leftovers
        let files = l.cloudInitLeftovers
        if files.isEmpty {
            let unknown = l.problems.filter { p in
                LeftoverFilesInspector.cloudInitLeftovers.contains { p.hasPrefix($0) }
            }
            if !unknown.isEmpty {
                return Outcome(
                    .skip, found: "unknown",
                    summary: "Could not look for the files: \(unknown.joined(separator: "; ")).")
            }
            return Outcome(
                .pass, found: "none",
                summary: "No installer configuration overrides cloud-init's networking or datasource detection.")
        }
        let paths = files.map(\.value)
        return Outcome(
            .warn, found: paths.joined(separator: ", "), evidence: files,
            summary:
                "\(paths.listed) \(paths.count == 1 ? "was" : "were") left by the installer: they pin the builder's network configuration or datasource, and break networking on Azure.",
            remediation:
                "Delete \(paths.count == 1 ? "it" : "them") before capture: rm -f \(paths.joined(separator: " ")).")
    }
}
