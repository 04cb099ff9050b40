import Guest

extension Requirement {
    /// The keep-alive range Microsoft certifies (PROFILE-AZURE-IMAGE.md `sshd`), in seconds.
    static let clientAliveRange = 30...235

    static let sshd = Requirement(
        id: "sshd", title: "sshd is installed, enabled, and keeps idle sessions alive", severity: .should,
        expected:
            "openssh-server installed, its service (or socket) enabled, effective ClientAliveInterval between \(clientAliveRange.lowerBound) and \(clientAliveRange.upperBound) seconds",
        reference: ProvisioningSources.joined(
            ProvisioningSources.redHat, ProvisioningSources.suse, ProvisioningSources.marketplace,
            ProvisioningSources.lisa("verify_client_active_interval")),
        remediation:
            "Install openssh-server, enable ssh.service (sshd.service on RPM distributions), and set ClientAliveInterval 180 where sshd reads it first (a drop-in that sorts first in /etc/ssh/sshd_config.d, or the top of /etc/ssh/sshd_config)."
    ) { ctx in
        let s = ctx.facts.sshd
        let db = ctx.facts.packageDatabase
        guard !s.isAbsent else {
            if !db.isMissing && !db.isReadable {
                return Outcome(
                    .skip, found: "unknown", evidence: db.evidence,
                    summary:
                        "The package database could not be read (\(db.unreadable ?? "unknown reason")) and no sshd program was found."
                )
            }
            let why =
                db.isMissing
                ? db.missingSummary + " and no /usr/sbin/sshd" : "no openssh-server package and no /usr/sbin/sshd"
            return Outcome(
                .warn, found: "not installed", evidence: db.evidence,
                summary: "sshd is not installed (\(why)): a VM made from the image cannot be reached over SSH.",
                remediation: "Install openssh-server and enable its service.")
        }
        let evidence = (s.package?.evidence ?? []) + s.binaries + s.units.flatMap(\.evidence) + s.files
        // A file sshd reads but this inspector could not may set the value first: no verdict on it.
        guard s.problems.isEmpty else {
            return Outcome(
                .skip, found: "unknown", evidence: evidence,
                summary: "Could not read every sshd configuration file: \(s.problems.joined(separator: "; ")).")
        }
        var problems: [String] = []
        var fixes: [String] = []
        var notes: [String] = []
        let enabled = s.units.filter { $0.enabled && !$0.masked }
        if enabled.isEmpty {
            let unit = s.units.first { $0.name.hasSuffix(".service") }?.name ?? "ssh.service"
            let masked = s.units.contains { $0.masked }
            problems.append("\(unit) is \(masked ? "masked" : "not enabled")")
            fixes.append("\(masked ? "systemctl unmask \(unit) && " : "")systemctl enable \(unit)")
        } else {
            notes.append("\(enabled.map(\.name).joined(separator: ", ")) enabled")
        }
        let range = "\(clientAliveRange.lowerBound)–\(clientAliveRange.upperBound)"
        if let setting = s.setting("ClientAliveInterval") {
            let shown = "ClientAliveInterval \(setting.value) (\(setting.location))"
            if let seconds = SSHDInspector.seconds(setting.value), clientAliveRange.contains(seconds) {
                notes.append(shown)
            } else {
                let value =
                    SSHDInspector.seconds(setting.value).map { "\($0) s, outside \(range) s" }
                    ?? "not a time value (sshd refuses to start)"
                problems.append("\(shown) is \(value)")
                fixes.append(
                    "change line \(setting.line) of \(setting.path.value) to ClientAliveInterval 180 (sshd keeps the first value it reads)"
                )
            }
        } else if s.files.isEmpty {
            problems.append("no \(SSHDInspector.mainFile): ClientAliveInterval is sshd's default 0 (no keep-alive)")
            fixes.append("create \(SSHDInspector.mainFile) with ClientAliveInterval 180")
        } else {
            problems.append(
                "ClientAliveInterval is not set (sshd's default 0: no keep-alive) in \(s.files.map(\.value).joined(separator: ", "))"
            )
            fixes.append(
                "add ClientAliveInterval 180 at the top of \(SSHDInspector.mainFile) (before any Match), or in a drop-in that sorts first in /etc/ssh/sshd_config.d"
            )
        }
        if problems.isEmpty {
            return Outcome(
                .pass, found: notes.joined(separator: "; "), evidence: evidence,
                summary: "sshd will run and keeps idle sessions alive within \(range) s.")
        }
        return Outcome(
            .warn, found: (problems + notes).joined(separator: "; "), evidence: evidence,
            summary: problems.joined(separator: "; ") + ".", remediation: fixes.joined(separator: "; ") + ".")
    }
}
