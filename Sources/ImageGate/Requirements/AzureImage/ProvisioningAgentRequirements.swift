import Guest
import PackageDatabases

extension Requirement {
    /// The oldest WALinuxAgent the profile accepts (PROFILE-AZURE-IMAGE.md `provisioning-agent`).
    static let minimumWAAgent = "2.2.41"

    static let provisioningAgent = Requirement(
        id: "provisioning-agent", title: "A provisioning agent is installed and enabled", severity: .must,
        expected: "WALinuxAgent >= \(minimumWAAgent) with its service enabled, or cloud-init with its services enabled",
        reference: ProvisioningSources.joined(
            ProvisioningSources.generic, ProvisioningSources.redHat, ProvisioningSources.suse,
            ProvisioningSources.ubuntu,
            ProvisioningSources.marketplace, ProvisioningSources.lisa("verify_waagent_version")),
        remediation:
            "Install cloud-init (with the Azure datasource) or WALinuxAgent \(minimumWAAgent) or later, and enable its service."
    ) { ctx in
        let c = ctx.facts.cloudInit
        let w = ctx.facts.waagent
        let db = ctx.facts.packageDatabase
        var states: [String] = []
        var fixes: [String] = []
        var evidence: [Evidence] = []
        var ready = false
        if !c.isAbsent {
            let version = c.package?.fullVersion ?? c.pythonVersions.first?.version ?? "?"
            let enabled = c.units.filter { $0.enabled && !$0.masked && $0.name.hasSuffix(".service") }
            evidence += (c.package?.evidence ?? c.pythonVersions.map(\.evidence)) + c.units.flatMap(\.evidence)
            if c.disableMarkers.isEmpty && !enabled.isEmpty {
                ready = true
                states.append("cloud-init \(version) enabled (\(enabled.map(\.name).joined(separator: ", ")))")
            } else {
                let why =
                    c.disableMarkers.isEmpty ? ["no cloud-init service is enabled"] : c.disableMarkers.map(\.reason)
                evidence += c.disableMarkers.flatMap(\.evidence)
                states.append("cloud-init \(version) installed but \(why.joined(separator: ", "))")
                fixes.append(
                    "enable cloud-init: systemctl enable cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service"
                        + (c.disableMarkers.contains { $0.reason.contains("cloud-init.disabled") }
                            ? " and rm /etc/cloud/cloud-init.disabled" : ""))
            }
        }
        if !w.isAbsent {
            let version = w.package?.upstreamVersion ?? w.pythonVersion?.version
            let shown = w.package?.fullVersion ?? w.pythonVersion?.version ?? "of unknown version"
            evidence +=
                (w.package?.evidence ?? []) + (w.pythonVersion.map { [$0.evidence] } ?? []) + w.binaries
                + w.units.flatMap(\.evidence)
            let old =
                version.map { v in
                    (w.package?.compareUpstream(to: minimumWAAgent) ?? DpkgVersion.compare(v, minimumWAAgent)) < 0
                } ?? false
            let enabled = w.units.filter { $0.enabled && !$0.masked }
            if old {
                states.append("WALinuxAgent \(shown) is older than \(minimumWAAgent)")
                fixes.append("upgrade WALinuxAgent to \(minimumWAAgent) or later")
            } else if enabled.isEmpty {
                let unit = w.units.first?.name ?? WAAgentInspector.unitNames[0]
                let masked = w.units.contains { $0.masked }
                states.append("WALinuxAgent \(shown) installed but \(unit) is \(masked ? "masked" : "not enabled")")
                fixes.append("\(masked ? "systemctl unmask \(unit) && " : "")systemctl enable \(unit)")
            } else {
                ready = true
                states.append("WALinuxAgent \(shown) enabled (\(enabled.map(\.name).joined(separator: ", ")))")
            }
        }
        if states.isEmpty {
            if db.isMissing {
                return Outcome(
                    .fail, found: "neither installed", evidence: db.evidence,
                    summary:
                        "Neither cloud-init nor WALinuxAgent is installed: \(db.missingSummary), and no Python sources or waagent program."
                )
            }
            if !db.isReadable {
                return Outcome(
                    .skip, found: "unknown", evidence: db.evidence,
                    summary:
                        "The package database could not be read (\(db.unreadable ?? "unknown reason")) and neither agent's sources were found."
                )
            }
            return Outcome(
                .fail, found: "neither installed", evidence: db.evidence,
                summary:
                    "Neither cloud-init nor WALinuxAgent is installed: no VM made from the image would be provisioned (no user, no SSH key, no hostname)."
            )
        }
        let found = states.joined(separator: "; ")
        if ready {
            return Outcome(
                .pass, found: found, evidence: evidence,
                summary: "A provisioning agent will run at first boot: \(found).")
        }
        return Outcome(
            .fail, found: found, evidence: evidence, summary: "No provisioning agent will run at first boot: \(found).",
            remediation: fixes.joined(separator: "; ") + ".")
    }

    static let waagentConf = Requirement(
        id: "waagent-conf", title: "With cloud-init, waagent leaves provisioning and the resource disk to it",
        severity: .must,
        expected:
            "when both are installed: /etc/waagent.conf has Provisioning.Agent=cloud-init or auto (or Provisioning.Enabled=n with Provisioning.UseCloudInit=y), ResourceDisk.Format=n, ResourceDisk.EnableSwap=n",
        reference: ProvisioningSources.joined(
            ProvisioningSources.generic, ProvisioningSources.redHat, ProvisioningSources.suse,
            ProvisioningSources.ubuntu),
        remediation:
            "In /etc/waagent.conf set Provisioning.Agent=auto, ResourceDisk.Format=n and ResourceDisk.EnableSwap=n (cloud-init formats the resource disk and sets up swap)."
    ) { ctx in
        let c = ctx.facts.cloudInit
        let w = ctx.facts.waagent
        guard !c.isAbsent, !w.isAbsent else {
            let which =
                c.isAbsent && w.isAbsent
                ? "neither agent is" : c.isAbsent ? "only WALinuxAgent is" : "only cloud-init is"
            return Outcome(
                .skip, found: which.replacingOccurrences(of: " is", with: "") + " installed",
                summary: "Not both agents are installed (\(which) installed); nothing can conflict.")
        }
        guard let conf = w.configuration else {
            if !w.problems.isEmpty {
                return Outcome(
                    .skip, found: "unknown",
                    summary: "Could not read /etc/waagent.conf: \(w.problems.joined(separator: "; ")).")
            }
            return Outcome(
                .fail, found: "no /etc/waagent.conf", evidence: w.binaries + (w.package?.evidence ?? []),
                summary:
                    "cloud-init and WALinuxAgent are both installed but /etc/waagent.conf is missing, so the agent's built-in defaults decide who provisions.",
                remediation:
                    "Create /etc/waagent.conf with Provisioning.Agent=auto, ResourceDisk.Format=n and ResourceDisk.EnableSwap=n."
            )
        }
        func shown(_ s: WAAgentSetting) -> String { "\(s.key)=\(s.value) (\(conf.value):\(s.line))" }
        var good: [String] = []
        var bad: [String] = []
        var fixes: [String] = []
        let agent = w.setting("Provisioning.Agent")
        if let agent {
            if ["auto", "cloud-init"].contains(agent.value.lowercased()) {
                good.append(shown(agent))
            } else {
                bad.append(shown(agent))
                fixes.append("Provisioning.Agent=auto (line \(agent.line))")
            }
        } else {
            let enabled = w.setting("Provisioning.Enabled")
            let useCloudInit = w.setting("Provisioning.UseCloudInit")
            if let enabled, let useCloudInit, enabled.value.lowercased() == "n", useCloudInit.value.lowercased() == "y"
            {
                good += [shown(enabled), shown(useCloudInit)]
            } else {
                // The default of an unset Provisioning.Agent changed across agent versions (older
                // ones provision themselves when Provisioning.Enabled is unset), so it must be written.
                bad.append(
                    "Provisioning.Agent unset" + (enabled.map { ", " + shown($0) } ?? "")
                        + (useCloudInit.map { ", " + shown($0) } ?? ""))
                fixes.append("Provisioning.Agent=auto (a new line)")
            }
        }
        for key in ["ResourceDisk.Format", "ResourceDisk.EnableSwap"] {
            // Both default to n in every agent version, so leaving them out is fine.
            guard let s = w.setting(key) else {
                good.append("\(key) unset (n by default)")
                continue
            }
            if s.value.lowercased() == "y" {
                bad.append(shown(s))
                fixes.append("\(key)=n (line \(s.line))")
            } else {
                good.append(shown(s))
            }
        }
        let found = (bad + good).joined(separator: "; ")
        if bad.isEmpty {
            return Outcome(
                .pass, found: found, evidence: [conf],
                summary: "waagent leaves provisioning, the resource disk and swap to cloud-init.")
        }
        return Outcome(
            .fail, found: found, evidence: [conf],
            summary:
                "With cloud-init installed, \(bad.joined(separator: "; ")) makes waagent compete with cloud-init for provisioning or the resource disk.",
            remediation: "In \(conf.value) set " + fixes.joined(separator: ", ") + ".")
    }
}
