import Guest

extension Requirement {
    static let hypervDaemons = Requirement(
        id: "hyperv-daemons", title: "The Hyper-V KVP daemon is installed", severity: .should,
        expected:
            "hyperv-daemons (Debian, RHEL, Fedora), hyperv-tools (SUSE), linux-cloud-tools-common or hv-kvp-daemon-init (Ubuntu) installed, or an hv_kvp_daemon program",
        reference: ProvisioningSources.joined(
            ProvisioningSources.generic, ProvisioningSources.debian,
            ProvisioningSources.lisa("verify_hv_kvp_daemon_installed")),
        remediation:
            "Install the distribution's Hyper-V daemons package (hyperv-daemons, hyperv-tools, or linux-cloud-tools-common with the kernel's linux-cloud-tools)."
    ) { ctx in
        let h = ctx.facts.hypervDaemons
        let db = ctx.facts.packageDatabase
        if !h.isAbsent {
            let found = h.packages.map { "\($0.name) \($0.fullVersion)" } + h.binaries.map(\.value)
            return Outcome(
                .pass, found: found.joined(separator: ", "), evidence: h.packages.flatMap(\.evidence) + h.binaries,
                summary: "The KVP daemon can report the VM's addresses, hostname and OS version to Azure.")
        }
        if !h.problems.isEmpty {
            return Outcome(
                .skip, found: "unknown",
                summary: "Could not look for the KVP daemon: \(h.problems.joined(separator: "; ")).")
        }
        // A missing database means nothing could have recorded the package: absent, not unknown.
        if !db.isMissing && !db.isReadable {
            return Outcome(
                .skip, found: "unknown", evidence: db.evidence,
                summary:
                    "The package database could not be read (\(db.unreadable ?? "unknown reason")) and no hv_kvp_daemon program was found."
            )
        }
        let packages = HyperVDaemonsInspector.packageNames.joined(separator: ", ")
        let why = db.isMissing ? db.missingSummary : "none of \(packages) is installed"
        return Outcome(
            .warn, found: "not installed", evidence: db.evidence,
            summary:
                "The Hyper-V KVP daemon is not installed (\(why), and no hv_kvp_daemon program): Azure cannot read the VM's IP addresses, hostname or OS version through KVP.",
            remediation: "Install \(kvpPackage(ctx.facts.os)).")
    }

    /// The package that ships the KVP daemon on this distribution.
    static func kvpPackage(_ os: OSFacts) -> String {
        let ids = [os.id ?? ""] + os.idLike
        if ids.contains("ubuntu") {
            return "linux-cloud-tools-common and the kernel's linux-cloud-tools package (linux-azure brings both)"
        }
        if ids.contains(where: { $0 == "suse" || $0.hasPrefix("sles") || $0.hasPrefix("opensuse") }) {
            return "hyperv-tools"
        }
        if ids.contains(where: { ["debian", "rhel", "fedora", "centos"].contains($0) }) { return "hyperv-daemons" }
        return "the distribution's Hyper-V daemons package (hyperv-daemons, hyperv-tools or linux-cloud-tools-common)"
    }
}
