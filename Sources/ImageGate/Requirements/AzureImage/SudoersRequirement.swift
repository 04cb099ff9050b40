import Guest

extension Requirement {
    static let sudoers = Requirement(
        id: "sudoers", title: "sudo asks for the user's own password and not everyone may use it", severity: .must,
        expected:
            "no Defaults targetpw and no ALL ALL=(ALL) ALL in /etc/sudoers or the files it includes (/etc/sudoers.d)",
        reference: ProvisioningSources.joined(
            ProvisioningSources.suse, ProvisioningSources.lisa("verify_default_targetpw")),
        remediation:
            "Delete the Defaults targetpw and ALL ALL=(ALL) ALL lines (SUSE ships them commented for this reason); the provisioned user gets sudo through its own drop-in."
    ) { ctx in
        let s = ctx.facts.sudoers
        let bad = s.targetpw + s.allUsersAll
        if bad.isEmpty {
            if !s.problems.isEmpty {
                return Outcome(
                    .skip, found: "unknown", evidence: s.files,
                    summary: "Could not read every sudoers file: \(s.problems.joined(separator: "; ")).")
            }
            if s.files.isEmpty {
                return Outcome(
                    .pass, found: "no /etc/sudoers",
                    summary: "sudo is not configured (no /etc/sudoers), so neither line can apply.")
            }
            return Outcome(
                .pass, found: "neither line in \(s.files.map(\.value).joined(separator: ", "))", evidence: s.files,
                summary: "sudo asks for the invoking user's password and does not let every user run everything.")
        }
        let found = bad.map { "\($0.location): \($0.text)" }.joined(separator: "; ")
        var why: [String] = []
        if !s.targetpw.isEmpty {
            why.append("targetpw makes sudo ask for root's password, which an Azure VM never has")
        }
        if !s.allUsersAll.isEmpty { why.append("ALL ALL=(ALL) ALL lets every user run every command as root") }
        return Outcome(
            .fail, found: found, evidence: bad.map(\.path),
            summary: why.joined(separator: "; ") + ".",
            remediation: "Delete or comment out "
                + bad.map { "line \($0.line) of \($0.path.value) (\($0.text))" }.joined(separator: ", ") + ".")
    }
}
