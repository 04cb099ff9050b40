import Guest

extension Requirement {
    static let noPersistentNetRules = Requirement(
        id: "no-persistent-net-rules", title: "No persistent network naming rules", severity: .must,
        expected:
            "no 70-persistent-net.rules, 75-persistent-net-generator.rules or 85-persistent-net-cloud-init.rules in /etc/udev/rules.d (nor the generator in /lib/udev/rules.d)",
        reference: ProvisioningSources.joined(
            ProvisioningSources.suse, ProvisioningSources.lisa("verify_udev_rules_moved")),
        remediation:
            "Delete the rules before capture: rm -f /etc/udev/rules.d/70-persistent-net.rules /etc/udev/rules.d/75-persistent-net-generator.rules /etc/udev/rules.d/85-persistent-net-cloud-init.rules."
    ) { ctx in
        let l = ctx.facts.leftovers
        let rules = l.persistentNetRules
        if rules.isEmpty {
            let unknown = l.problems.filter { p in
                LeftoverFilesInspector.persistentNetRules.contains { p.hasPrefix($0) }
            }
            if !unknown.isEmpty {
                return Outcome(
                    .skip, found: "unknown",
                    summary: "Could not look for the rules: \(unknown.joined(separator: "; ")).")
            }
            return Outcome(
                .pass, found: "none",
                summary: "No persistent net rule pins an interface name to the builder's MAC address.")
        }
        let paths = rules.map(\.value)
        return Outcome(
            .fail, found: paths.joined(separator: ", "), evidence: rules,
            summary:
                "\(paths.listed) would rename the VM's NIC after the builder's MAC address, so eth0 comes up unconfigured.",
            remediation:
                "Delete \(paths.count == 1 ? "it" : "them") before capture: rm -f \(paths.joined(separator: " ")).")
    }

    static let generalized = Requirement(
        id: "generalized", title: "Deprovisioned: no instance state, agent logs or shell history", severity: .must,
        expected:
            "no /var/lib/cloud/instance(s), nothing in /var/lib/waagent, no /var/log/waagent.log, every .bash_history of root and /home/* empty",
        reference: ProvisioningSources.joined(
            ProvisioningSources.generic, ProvisioningSources.redHat, ProvisioningSources.suse,
            ProvisioningSources.ubuntu,
            ProvisioningSources.marketplace, ProvisioningSources.lisa("verify_bash_history_is_empty")),
        remediation:
            "Deprovision before capture: cloud-init clean --logs --seed, waagent -force -deprovision+user (or rm -rf /var/lib/waagent/* /var/log/waagent.log), then truncate every .bash_history (export HISTSIZE=0 before logging out)."
    ) { ctx in
        let l = ctx.facts.leftovers
        let cloud = l.provisioningState.filter { $0.value.hasPrefix("/var/lib/cloud/") }
        let agent = l.provisioningState.filter { !$0.value.hasPrefix("/var/lib/cloud/") }
        let histories = l.shellHistories.filter { $0.size > 0 }
        var found: [String] = []
        var fixes: [String] = []
        if !cloud.isEmpty {
            found.append("cloud-init instance state \(cloud.map(\.value).joined(separator: ", "))")
            fixes.append("cloud-init clean --logs --seed (or rm -rf /var/lib/cloud/instance /var/lib/cloud/instances)")
        }
        if !agent.isEmpty {
            found.append("waagent state \(agent.map(\.value).joined(separator: ", "))")
            fixes.append("waagent -force -deprovision+user (or rm -rf /var/lib/waagent/* /var/log/waagent.log)")
        }
        if !histories.isEmpty {
            found.append(
                "shell history \(histories.map { "\($0.path.value) (\($0.size) bytes)" }.joined(separator: ", "))")
            fixes.append("truncate -s 0 \(histories.map(\.path.value).joined(separator: " "))")
        }
        let evidence = l.provisioningState + histories.map(\.path)
        if found.isEmpty {
            if !l.problems.isEmpty {
                return Outcome(
                    .skip, found: "unknown",
                    summary: "Could not examine every leftover: \(l.problems.joined(separator: "; ")).")
            }
            let empty = l.shellHistories.map(\.path)
            return Outcome(
                .pass, found: empty.isEmpty ? "no state, no shell history" : "no state; empty histories",
                evidence: empty,
                summary: "No provisioning state and no shell history would be shared with every VM made from the image."
            )
        }
        return Outcome(
            .fail, found: found.joined(separator: "; "), evidence: evidence,
            summary:
                "The image still holds \(found.joined(separator: "; ")): every VM made from it would inherit them.",
            remediation: "Before capture: " + fixes.joined(separator: "; ") + ".")
    }
}
