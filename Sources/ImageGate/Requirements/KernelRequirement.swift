import Guest
import PackageDatabases

/// The distributions Microsoft endorses for Accelerated Networking ("Supported operating systems").
enum EndorsedDistribution {
    /// True when `ID`/`VERSION_ID` is endorsed; `release` matters for Oracle Linux (UEK R7 only).
    static func isEndorsed(id: String?, version: String?, release: String) -> Bool {
        guard let id = id?.lowercased(), let v = version else { return false }
        let parts = v.split(separator: ".").map { Int($0) ?? -1 }
        let major = parts.first ?? -1
        let minor = parts.count > 1 ? parts[1] : -1
        switch id {
        case "ubuntu": return ["22.04", "24.04"].contains(v)
        case "rhel": return ["8.8", "8.10", "9.2", "9.4", "9.6"].contains(v)
        case "sles", "sles_sap": return v == "15.4"
        case "rocky": return v == "8.10" || (major == 9 && minor >= 2)
        case "debian": return major == 12
        case "ol": return (major == 8 || major == 9) && release.hasPrefix("5.15.0-") && release.contains("uek")
        default: return false
        }
    }

    static let summary =
        "ubuntu 22.04/24.04, rhel 8.8/8.10/9.2/9.4/9.6, sles 15.4, rocky 8.10/9.2+, debian 12, ol 8/9 with UEK R7"
}

extension GuestFacts {
    /// The kernels the checks judge: those with an image that can boot (all, when none has one).
    var bootableKernels: [KernelFacts] {
        let b = kernels.filter(\.isBootable)
        return b.isEmpty ? kernels : b
    }

    var osName: String {
        [os.id ?? "unknown OS", os.versionID].compactMap { $0 }.joined(separator: " ")
    }
}

extension Requirement {
    static let kernel = Requirement(
        id: "kernel", title: "Endorsed distribution with its own kernel, or Linux 6.12 or later", severity: .must,
        expected:
            "every bootable kernel owned by the package manager of an endorsed distribution (\(EndorsedDistribution.summary)), or Linux >= 6.12",
        reference: source("Supported operating systems"),
        remediation: "Boot a kernel packaged by an endorsed distribution, or Linux 6.12 or later."
    ) { ctx in
        let f = ctx.facts
        guard !f.kernels.isEmpty else {
            return Outcome(
                .fail, found: "no /lib/modules/<release>", evidence: [.path("/lib/modules")],
                summary: "No kernel was found in the image.")
        }
        var lines: [String] = []
        var evidence = f.os.evidence
        var failed: [String] = []
        var undecided: [String] = []
        for k in f.bootableKernels {
            evidence += [k.modulesDirectory] + k.ownerEvidence + (k.image.map { [$0.path] } ?? [])
            let endorsed = EndorsedDistribution.isEndorsed(id: f.os.id, version: f.os.versionID, release: k.release)
            let recent = k.numericRelease.map { r in minimumCustomKernel.map { r >= $0 } ?? false } ?? false
            if endorsed && k.ownershipKnown && !k.owners.isEmpty {
                lines.append("\(k.release): package \(k.owners.joined(separator: ", ")) on endorsed \(f.osName)")
            } else if recent {
                lines.append("\(k.release): Linux 6.12 or later" + (k.owners.isEmpty ? " (custom kernel)" : ""))
            } else if endorsed && !k.ownershipKnown {
                lines.append(
                    "\(k.release): owner unknown (\(f.packageDatabase.unreadable ?? "no file lists")) on endorsed \(f.osName)"
                )
                undecided.append(k.release)
            } else if endorsed {
                lines.append("\(k.release): custom kernel (no package owns it), older than 6.12")
                failed.append(k.release)
            } else {
                lines.append("\(k.release): older than 6.12 on \(f.osName), which is not endorsed")
                failed.append(k.release)
            }
        }
        let found = lines.joined(separator: "; ")
        if !failed.isEmpty {
            return Outcome(
                .fail, found: found, evidence: evidence,
                summary: "Kernel \(failed.joined(separator: ", ")) meets neither branch.")
        }
        if !undecided.isEmpty {
            return Outcome(
                .skip, found: found, evidence: evidence,
                summary:
                    "Cannot tell whether \(undecided.joined(separator: ", ")) is the distribution's own kernel: the package database could not be read."
            )
        }
        return Outcome(
            .pass, found: found, evidence: evidence, summary: "Every bootable kernel is endorsed or recent enough.")
    }

    static let drivers = Requirement(
        id: "drivers",
        title: "hv_vmbus, hv_netvsc, pci-hyperv, mlx4_core, mlx5_core and mana present for every bootable kernel",
        severity: .must,
        expected:
            "hv_vmbus, hv_netvsc, pci_hyperv, mlx4_core, mlx5_core, mana as module files, modules.builtin lines or =y in each bootable kernel's config",
        reference: source("Device and driver support") + "; \"How Accelerated Networking works\"",
        remediation:
            "Install the distribution's full kernel modules package (for example linux-modules-extra or kernel-modules) so every driver is present for every kernel."
    ) { ctx in
        let kernels = ctx.facts.bootableKernels
        guard !kernels.isEmpty else {
            return Outcome(
                .fail, found: "no kernel", evidence: [.path("/lib/modules")],
                summary: "No kernel was found, so no driver either.")
        }
        var lines: [String] = []
        var evidence: [Evidence] = []
        var missingDefault: [String] = []
        var missingOther: [String] = []
        for k in kernels {
            let parts = k.drivers.map { "\($0.name) \($0.summary)" + ($0.note.map { " (\($0))" } ?? "") }
            lines.append("\(k.release): " + parts.joined(separator: ", "))
            evidence += k.drivers.flatMap(\.evidence)
            let missing = k.drivers.filter { $0.presence == .missing }.map(\.name)
            let absentFacts = DriverFacts.required.map(\.name).filter { n in !k.drivers.contains { $0.name == n } }
            let all = missing + absentFacts
            guard !all.isEmpty else { continue }
            let entry = "\(k.release) lacks \(all.joined(separator: ", "))"
            if k.isDefault == false { missingOther.append(entry) } else { missingDefault.append(entry) }
        }
        let found = lines.joined(separator: "; ")
        if !missingDefault.isEmpty {
            return Outcome(
                .fail, found: found, evidence: evidence, summary: missingDefault.joined(separator: "; ") + ".")
        }
        if !missingOther.isEmpty {
            return Outcome(
                .warn, found: found, evidence: evidence,
                summary: missingOther.joined(separator: "; ") + " (not the default boot entry).")
        }
        return Outcome(
            .pass, found: found, evidence: evidence, summary: "All six drivers are present for every bootable kernel.")
    }
}
