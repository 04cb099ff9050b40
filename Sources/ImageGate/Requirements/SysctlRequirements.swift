import Guest

extension Requirement {
    /// The keys `rp-filter` reads: `all` and `default` together decide a new interface's mode
    /// (the kernel uses the larger of `all` and the interface's own value).
    static let rpFilterKeys = ["net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"]
    /// Strict reverse-path filtering (RFC 3704 strict mode).
    static let strictRPFilter = "1"

    static let rpFilter = Requirement(
        id: "rp-filter",
        title: "Reverse-path filtering is not strict (VF traffic arrives beside the synthetic NIC's routes)",
        severity: .should,
        expected:
            "net.ipv4.conf.all.rp_filter and net.ipv4.conf.default.rp_filter not 1 after sysctl.d (unset means the kernel default 0)",
        reference: "Microsoft Learn, \"How Accelerated Networking works in Linux and FreeBSD VMs\" (2026-07 revision)",
        remediation:
            "Use loose mode: write net.ipv4.conf.all.rp_filter = 2 and net.ipv4.conf.default.rp_filter = 2 to a file such as /etc/sysctl.d/99-azure-an-rpfilter.conf (sorted after the file that sets 1)."
    ) { ctx in
        let s = ctx.facts.sysctl
        var parts: [String] = []
        var strict: [String] = []
        var evidence: [Evidence] = []
        for key in rpFilterKeys {
            if let a = s.effective(key) {
                parts.append("\(key) = \(a.value) (\(a.location))")
                evidence.append(a.evidence)
                if a.value == strictRPFilter { strict.append("\(key) = 1 in \(a.location)") }
            } else {
                parts.append("\(key) unset (kernel default 0)")
            }
        }
        let found = parts.joined(separator: "; ")
        let source = "the 2026-07 revision of Microsoft's \"How Accelerated Networking works in Linux and FreeBSD VMs\""
        if !strict.isEmpty {
            return Outcome(
                .warn, found: found, evidence: evidence + s.files,
                summary:
                    "Strict reverse-path filtering (\(strict.joined(separator: ", "))) can drop legitimate packets that arrive on the VF (\(source))."
            )
        }
        return Outcome(
            .pass, found: found, evidence: evidence + s.files,
            summary: "Reverse-path filtering is off or loose, so VF traffic is not dropped (\(source)).")
    }
}
