import Guest
import PackageDatabases

extension Requirement {
    static let cloudInit = Requirement(
        id: "cloud-init", title: "cloud-init \(minimumCloudInit) or later", severity: .must,
        expected: ">= \(minimumCloudInit)",
        reference: source("Configure drivers to be unmanaged"),
        remediation:
            "Install cloud-init \(minimumCloudInit) or later (it ignores every VF sharing a MAC with an hv_netvsc interface, MANA included)."
    ) { ctx in
        let c = ctx.facts.cloudInit
        let db = ctx.facts.packageDatabase
        let python =
            c.pythonVersions.first { $0.variable == "UPSTREAM_VERSION" }
            ?? c.pythonVersions.first { $0.variable == "__VERSION__" } ?? c.pythonVersions.first
        let version: String
        let fromPackage: Bool
        var evidence: [Evidence] = db.evidence
        var notes: [String] = []
        if let p = c.package {
            version = p.upstreamVersion
            fromPackage = true
            evidence = p.evidence
            if let py = python, DpkgVersion.compare(py.version, p.upstreamVersion) != 0,
                !p.fullVersion.hasPrefix(py.version), !py.version.hasPrefix(p.upstreamVersion)
            {
                notes.append("the installed Python package says \(py.version) (\(py.evidence.value))")
            }
        } else if let py = python {
            version = py.version
            fromPackage = false
            evidence = [py.evidence]
            notes.append("no cloud-init package: version from the Python sources (installed from source)")
        } else if db.isMissing {
            return Outcome(
                .fail, found: "not installed", evidence: db.evidence,
                summary: "cloud-init is not installed: \(db.missingSummary) and no cloud-init Python sources.")
        } else if !db.isReadable {
            return Outcome(
                .skip, found: "unknown", evidence: db.evidence,
                summary:
                    "The package database could not be read (\(db.unreadable ?? "unknown reason")) and no cloud-init Python sources were found."
            )
        } else {
            return Outcome(
                .fail, found: "not installed", evidence: db.evidence, summary: "cloud-init is not installed.")
        }
        let found =
            (c.package?.fullVersion ?? version) + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
        evidence += c.vfFilterEvidence
        let cmp = c.package?.compareUpstream(to: minimumCloudInit) ?? DpkgVersion.compare(version, minimumCloudInit)
        if cmp >= 0 {
            return Outcome(
                .pass, found: found, evidence: evidence,
                summary: "cloud-init \(version) is \(minimumCloudInit) or later"
                    + (fromPackage ? "." : " (from its Python sources)."))
        }
        if c.vfFilterPresent == true {
            return Outcome(
                .warn, found: found, evidence: evidence,
                summary:
                    "cloud-init \(version) is older than \(minimumCloudInit) but has filter_hyperv_vf_with_synthetic_interface (a distribution backport)."
            )
        }
        return Outcome(
            .fail, found: found, evidence: evidence,
            summary:
                "cloud-init \(version) is older than \(minimumCloudInit) and lacks the VF filter; its driver deny-list misses MANA."
        )
    }

    static let azureVMUtils = Requirement(
        id: "azure-vm-utils", title: "azure-vm-utils \(minimumAzureVMUtils) or later", severity: .must,
        expected: ">= \(minimumAzureVMUtils)",
        reference: source("Configure drivers to be unmanaged"),
        remediation:
            "Install azure-vm-utils \(minimumAzureVMUtils) or later (Debian: bookworm-backports; Ubuntu: the updates pocket; RHEL/Fedora/Azure Linux: the distribution package)."
    ) { ctx in
        let a = ctx.facts.azureVMUtils
        let db = ctx.facts.packageDatabase
        let rule = ctx.facts.udevRule.effective
        let ruleNote =
            rule.map { "the rule file \($0.path.value) is present (\($0.state.rawValue))" } ?? "the rule file is absent"
        if let p = a.package {
            if p.compareUpstream(to: minimumAzureVMUtils) >= 0 {
                return Outcome(
                    .pass, found: p.fullVersion, evidence: p.evidence,
                    summary: "azure-vm-utils \(p.upstreamVersion) is \(minimumAzureVMUtils) or later.")
            }
            return Outcome(
                .fail, found: p.fullVersion, evidence: p.evidence,
                summary:
                    "azure-vm-utils \(p.upstreamVersion) is older than \(minimumAzureVMUtils), which added the udev rule, the networkd file and the initramfs hooks; \(ruleNote)."
            )
        }
        if let b = a.binaryVersion {
            let ok = DpkgVersion.compare(b.version, minimumAzureVMUtils) >= 0
            return Outcome(
                ok ? .pass : .fail, found: "\(b.version) (no package; version compiled into \(b.evidence.value))",
                evidence: [b.evidence] + a.binaries,
                summary: ok
                    ? "azure-vm-utils \(b.version) was installed from source (no package), \(minimumAzureVMUtils) or later."
                    : "azure-vm-utils \(b.version) was installed from source and is older than \(minimumAzureVMUtils); \(ruleNote)."
            )
        }
        if db.isMissing && rule == nil && a.binaries.isEmpty {
            return Outcome(
                .fail, found: "not installed", evidence: db.evidence + a.binaries,
                summary: "azure-vm-utils is not installed: \(db.missingSummary), no azure-nvme-id and no rule file.")
        }
        if !db.isReadable {
            // No database at all, but a rule file or an azure-nvme-id without a version: there
            // is nothing that could say which version is there, which is not a database that failed.
            let why =
                db.isMissing
                ? "There is \(db.missingSummary)"
                : "The package database could not be read (\(db.unreadable ?? "unknown reason"))"
            return Outcome(
                .skip, found: "unknown", evidence: db.evidence + a.binaries,
                summary: "\(why) and no azure-nvme-id version was found; \(ruleNote).")
        }
        return Outcome(
            .fail, found: "not installed", evidence: db.evidence + a.binaries,
            summary: "azure-vm-utils is not installed; \(ruleNote) (udev-rule judges it).")
    }
}
