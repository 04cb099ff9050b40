import Guest

/// The documented rule (azure-vm-utils 0.6.0), compared key by key, never "corrected".
enum DocumentedUdevRule {
    static let line =
        #"SUBSYSTEM=="net", ACTION!="remove", DRIVERS=="mana|mlx4_core|mlx5_core", ATTR{flags}=="0x?[89ABCDEF]??", ENV{AZURE_UNMANAGED_SRIOV}="1", ENV{ID_NET_MANAGED_BY}="unmanaged", ENV{NM_UNMANAGED}="1""#
    static let tokens = UdevRuleToken.parse(line)

    /// The differences between one active line and the documented rule ("DRIVERS lacks mlx5_core"),
    /// empty when equivalent (same keys, operators and values in any order; the same driver set).
    static func differences(_ line: [UdevRuleToken]) -> [String] {
        var out: [String] = []
        for want in tokens {
            guard let got = line.first(where: { $0.key == want.key }) else {
                out.append("\(want.key)\(want.op)\"\(want.value)\" is missing")
                continue
            }
            if got.op != want.op { out.append("\(want.key) uses \(got.op) instead of \(want.op)") }
            if want.key == "DRIVERS" {
                let w = Set(want.value.split(separator: "|").map(String.init))
                let g = Set(got.value.split(separator: "|").map(String.init))
                for d in w.subtracting(g).sorted() { out.append("DRIVERS lacks \(d)") }
                for d in g.subtracting(w).sorted() { out.append("DRIVERS adds \(d)") }
            } else if got.value != want.value {
                out.append("\(want.key) is \"\(got.value)\" instead of \"\(want.value)\"")
            }
        }
        for extra in line where !tokens.contains(where: { $0.key == extra.key }) {
            out.append("extra key \(extra.key)")
        }
        return out
    }
}

extension Requirement {
    static let udevRule = Requirement(
        id: "udev-rule", title: "SR-IOV virtual functions marked unmanaged by udev", severity: .must,
        expected:
            "10-azure-unmanaged-sriov.rules from azure-vm-utils, or an /etc copy equivalent to: \(DocumentedUdevRule.line)",
        reference: source("Configure drivers to be unmanaged"),
        remediation:
            "Install azure-vm-utils 0.6.0 or later, or write /etc/udev/rules.d/10-azure-unmanaged-sriov.rules with the documented line; remove any /etc copy that masks or changes it."
    ) { ctx in
        let u = ctx.facts.udevRule
        let legacy = ctx.facts.legacyDropIns.filter { !$0.coversMANA }
        let legacyDropInNote =
            legacy.isEmpty
            ? ""
            : " Older advice left in the image does not cover MANA: "
                + legacy.map { $0.path.value }.joined(separator: ", ") + "."
        let legacyNote =
            legacyDropInNote
            + (u.legacyNetworkManagerRules.isEmpty
                ? ""
                : " The legacy rule " + u.legacyNetworkManagerRules.map(\.value).joined(separator: ", ")
                    + " covers NetworkManager only (NM_UNMANAGED on hv_pci), not systemd-networkd or the AZURE_UNMANAGED_SRIOV property: it does not replace 10-azure-unmanaged-sriov.rules.")
        let evidence = u.files.map(\.path) + legacy.map(\.path) + u.legacyNetworkManagerRules
        guard let rule = u.effective else {
            return Outcome(
                .fail,
                found: u.legacyNetworkManagerRules.isEmpty
                    ? "absent" : "absent (only the legacy \(UdevRuleFacts.legacyNetworkManagerRuleName))",
                evidence: u.searched + legacy.map(\.path) + u.legacyNetworkManagerRules,
                summary:
                    "No 10-azure-unmanaged-sriov.rules in /etc/udev/rules.d, /usr/lib/udev/rules.d or /lib/udev/rules.d."
                    + legacyNote)
        }
        switch rule.state {
        case .masked:
            return Outcome(
                .fail, found: "masked by \(rule.path.value)" + (rule.note.map { " (\($0))" } ?? ""), evidence: evidence,
                summary: "The /etc copy masks the rule." + legacyNote)
        case .unreadable:
            return Outcome(
                .fail, found: "unreadable: \(rule.note ?? rule.path.value)", evidence: evidence,
                summary: "udev cannot read \(rule.path.value) as rules." + legacyNote)
        case .present:
            break
        }
        if !rule.isOverride {
            let owner = rule.owners.isEmpty ? "no package" : "package \(rule.owners.joined(separator: ", "))"
            return Outcome(
                .pass, found: "\(rule.path.value) (\(owner))", evidence: evidence,
                summary: "The vendor rule is in place." + legacyNote)
        }
        let diffs = rule.rules.map(DocumentedUdevRule.differences)
        if diffs.contains(where: \.isEmpty) {
            return Outcome(
                .pass, found: "\(rule.path.value) (equivalent to the documented rule)", evidence: evidence,
                summary: "The /etc copy is equivalent to the documented rule." + legacyNote)
        }
        let closest = diffs.min { $0.count < $1.count } ?? ["no active line"]
        return Outcome(
            .fail, found: "\(rule.path.value): " + closest.joined(separator: "; "), evidence: evidence,
            summary:
                "The /etc copy overrides the vendor rule and differs from the documented one: \(closest.joined(separator: "; "))."
                + legacyNote)
    }

    static let initramfsRule = Requirement(
        id: "initramfs-rule",
        title: "The rule is also in each kernel's initramfs when azure-vm-utils installs a hook for it",
        severity: .should,
        expected: "lib/udev/rules.d/10-azure-unmanaged-sriov.rules inside every bootable kernel's initramfs",
        reference: "azure-vm-utils 0.6.0 packaging (initramfs-tools hook, dracut module 97azure-unmanaged-sriov)",
        remediation:
            "Rebuild the initramfs after installing azure-vm-utils (update-initramfs -u -k all, or dracut -f --regenerate-all)."
    ) { ctx in
        let f = ctx.facts
        guard !f.initramfs.hooks.isEmpty else {
            return Outcome(
                .skip, found: "no hook installed",
                summary: "No initramfs hook for the rule is installed; nothing to check.")
        }
        var lines: [String] = []
        var evidence = f.initramfs.hooks
        var missing: [String] = []
        var unknown: [String] = []
        let installed = f.azureVMUtils.package?.installTime
        for k in f.bootableKernels {
            guard let i = k.initramfs else {
                lines.append("\(k.release): no initramfs")
                missing.append("\(k.release) has no initramfs")
                continue
            }
            evidence.append(i.path)
            switch i.containsRule {
            case true?:
                lines.append("\(k.release): rule inside (\(i.rulePath ?? "?"))")
            case false?:
                let stale = installed.map { i.modificationTime < $0 } ?? false
                lines.append("\(k.release): rule absent" + (stale ? " (initramfs predates azure-vm-utils)" : ""))
                missing.append(
                    "\(i.path.value) lacks the rule" + (stale ? " and predates the package: it was not rebuilt" : ""))
            case nil:
                lines.append("\(k.release): unreadable (\(i.unreadable ?? "unknown"))")
                unknown.append("\(i.path.value): \(i.unreadable ?? "unknown")")
            }
        }
        let found = lines.joined(separator: "; ")
        if !missing.isEmpty {
            return Outcome(.warn, found: found, evidence: evidence, summary: missing.joined(separator: "; ") + ".")
        }
        if !unknown.isEmpty {
            return Outcome(
                .skip, found: found, evidence: evidence,
                summary: "Could not read: " + unknown.joined(separator: "; ") + ".")
        }
        return Outcome(.pass, found: found, evidence: evidence, summary: "Every initramfs carries the rule.")
    }
}
