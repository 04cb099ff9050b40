import Guest

extension Requirement {
    static let noCredentials = Requirement(
        id: "no-credentials", title: "No shared credentials: passwords, authorized keys, SSH host keys",
        severity: .must,
        expected:
            "no account but root with a usable password hash in /etc/shadow, no authorized_keys under /root or /home, no /etc/ssh/ssh_host_*_key",
        reference: ProvisioningSources.joined(
            ProvisioningSources.marketplace, ProvisioningSources.lisa("verify_no_pre_exist_users")),
        remediation:
            "Remove the builder's accounts and keys before capture (waagent -force -deprovision+user does it), and delete /etc/ssh/ssh_host_*_key*: each VM makes its own at first boot."
    ) { ctx in
        let c = ctx.facts.credentials
        let users = c.usablePasswords.filter { $0.user != "root" }
        var found: [String] = []
        var fixes: [String] = []
        if !users.isEmpty {
            found += users.map { "\($0.user) has a usable hash (\($0.location))" }
            fixes.append(
                "userdel -r \(users.map(\.user).joined(separator: " ")) (or passwd -l to lock an account the image needs)"
            )
        }
        if !c.authorizedKeys.isEmpty {
            found += c.authorizedKeys.map { "\($0.path.value) lists \($0.keys) key(s)" }
            fixes.append("rm -f \(c.authorizedKeys.map(\.path.value).joined(separator: " "))")
        }
        if !c.hostPrivateKeys.isEmpty {
            found.append("SSH host private keys \(c.hostPrivateKeys.map(\.value).joined(separator: ", "))")
            fixes.append(
                "rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub (cloud-init or waagent regenerates them per VM)"
            )
        }
        let evidence = users.map(\.path) + c.authorizedKeys.map(\.path) + c.hostPrivateKeys
        if found.isEmpty {
            if !c.problems.isEmpty {
                return Outcome(
                    .skip, found: "unknown",
                    summary: "Could not read every credential file: \(c.problems.joined(separator: "; ")).")
            }
            let shadow = c.shadow == nil ? "no /etc/shadow" : "no account but root has a usable password"
            return Outcome(
                .pass, found: "\(shadow); no authorized_keys; no SSH host private key",
                evidence: c.shadow.map { [$0] } ?? [],
                summary: "The image shares no password, authorized key or SSH host key with the VMs made from it.")
        }
        return Outcome(
            .fail, found: found.joined(separator: "; "), evidence: evidence,
            summary: "Every VM made from the image would accept these credentials: \(found.joined(separator: "; ")).",
            remediation: "Before capture: " + fixes.joined(separator: "; ") + ".")
    }
}
