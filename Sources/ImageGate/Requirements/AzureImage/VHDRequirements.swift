import DiskFormats
import Guest

/// The `vhd-*` checks of profile `azure-image` ("Container and disk"): they read `ContainerFacts`
/// (the file and its footer), never the guest. A folder or a tarball has no container: they skip.
///
/// Decisions where the document is silent: the two size checks judge the virtual size of any
/// container (a qcow2 that is not a whole number of MiB stays so once converted with force_size),
/// while `vhd-footer` and `vhd-qemu-geometry`, which are about footer fields, skip a file that is
/// not a VHD (`vhd-format` fails it and says how to convert). A footer whose checksum is wrong
/// never reaches a check: the file cannot be opened (exit 2, the error names the footer's offset).
extension Requirement {
    static let mebibyte: UInt64 = 1 << 20
    /// Azure's smallest OS disk VHD.
    static let minimumVHDSize: UInt64 = 20 << 20
    /// Azure's largest OS disk: 1,023 GiB.
    static let maximumOSDiskSize: UInt64 = 1023 << 30

    /// The skip every `vhd-*` check gives without a container.
    static let notADiskImage = Outcome(
        .skip, found: "no container (a folder or a tarball)",
        summary: "Not a disk image: there is no container file to check.")

    static func notAVHD(_ c: ContainerFacts) -> Outcome {
        Outcome(
            .skip, found: "not a VHD (\(c.format))", evidence: [containerEvidence(c)],
            summary: "The file is \(c.format), not a VHD; vhd-format says how to convert it.")
    }

    /// qemu-img's `-f` name for a container format as the report names it.
    static func qemuFormat(_ format: String) -> String {
        if format.hasPrefix("vhdx") { return "vhdx" }
        if format.hasPrefix("vhd") { return "vpc" }
        if format.hasPrefix("vmdk") { return "vmdk" }
        return String(format.prefix { $0 != "-" })
    }

    /// The conversion Azure wants, from the given container.
    static func convertCommand(from format: String) -> String {
        let source = format == "ova" ? "the VMDK inside the OVA (tar -xf IMAGE.ova), then " : ""
        return
            "Convert \(source)with qemu-img convert -f \(qemuFormat(format == "ova" ? "vmdk" : format)) -O vpc -o subformat=fixed,force_size IMAGE IMAGE.vhd (after qemu-img resize to a whole number of MiB)."
    }

    static func containerEvidence(_ c: ContainerFacts) -> Evidence {
        .structure("container \(c.format): file \(c.fileSize) bytes, virtual size \(c.virtualSize) bytes")
    }

    static func footerEvidence(_ c: ContainerFacts, _ v: VHDFooterFacts) -> Evidence {
        let g = v.geometry
        return .structure(
            "vhd footer at \(v.footerOffset): disk type \(v.diskType.rawValue), creator '\(v.creatorApplication)', current size \(v.currentSize), original size \(v.originalSize), geometry \(g.cylinders)/\(g.heads)/\(g.sectorsPerTrack); file \(c.fileSize) bytes"
        )
    }

    static func evidence(_ c: ContainerFacts) -> [Evidence] {
        c.vhd.map { [footerEvidence(c, $0)] } ?? [containerEvidence(c)]
    }

    /// `n bytes (m MiB)` or `n bytes (m MiB + r bytes)`.
    static func sizeText(_ n: UInt64) -> String {
        n % mebibyte == 0
            ? "\(n) bytes (\(n / mebibyte) MiB)" : "\(n) bytes (\(n / mebibyte) MiB + \(n % mebibyte) bytes)"
    }

    static let vhdFormat = Requirement(
        id: "vhd-format", title: "The image is a fixed VHD", severity: .must,
        expected: "a fixed VHD (dynamic VHD, VHDX and other containers converted before upload)",
        reference: azureImageReference("G", "R", "S", "U", "D"),
        remediation: convertCommand(from: "FORMAT")
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        if c.vhd?.diskType == .fixed {
            return Outcome(.pass, found: "fixed VHD", evidence: evidence(c), summary: "The file is a fixed VHD.")
        }
        let what = c.vhd.map { "a \($0.diskType.rawValue) VHD" } ?? c.format
        return Outcome(
            .fail, found: what, evidence: evidence(c),
            summary: "Azure accepts only fixed VHDs; this file is \(what).", remediation: convertCommand(from: c.format)
        )
    }

    static let vhdFooter = Requirement(
        id: "vhd-footer", title: "The VHD footer is what Azure reads", severity: .must,
        expected: "cookie conectix, disk type 2 (fixed), valid checksum, file length = current size + 512",
        reference: azureImageReference("M"),
        remediation: convertCommand(from: "vhd")
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        guard let v = c.vhd else { return notAVHD(c) }
        var problems: [String] = []
        if v.diskType != .fixed { problems.append("disk type is \(v.diskType.rawValue), not fixed (2)") }
        if v.usedCopyAtStart {
            problems.append("the footer at the end of the file is damaged (its copy at offset 0 was read)")
        }
        let (expectedLength, overflow) = v.currentSize.addingReportingOverflow(512)
        if v.diskType == .fixed, overflow || expectedLength != c.fileSize {
            problems.append(
                "the file is \(c.fileSize) bytes, not current size \(v.currentSize) + 512 = \(expectedLength) (\(c.fileSize > expectedLength ? "extra bytes before the footer" : "data missing"))"
            )
        }
        if problems.isEmpty {
            return Outcome(
                .pass, found: "conectix, fixed, checksum valid, \(c.fileSize) bytes = current size + 512",
                evidence: evidence(c), summary: "The footer is valid and the file is exactly the disk and its footer.")
        }
        let fix =
            v.diskType == .fixed
            ? "Rewrite the file so nothing lies between the disk data and the footer: qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size IMAGE.vhd FIXED.vhd."
            : convertCommand(from: c.format)
        return Outcome(
            .fail, found: problems.joined(separator: "; "), evidence: evidence(c),
            summary: problems.joined(separator: "; ") + ".", remediation: fix)
    }

    static let vhdSizeAligned = Requirement(
        id: "vhd-size-aligned", title: "The virtual size is a whole number of MiB, at least 20 MiB", severity: .must,
        expected: "virtual (current) size a multiple of 1 MiB (1,048,576 bytes) and at least 20 MiB",
        reference: azureImageReference("G", "M"),
        remediation:
            "qemu-img resize -f raw IMAGE.raw SIZEM (the next whole MiB), then qemu-img convert -f raw -O vpc -o subformat=fixed,force_size IMAGE.raw IMAGE.vhd."
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        let size = c.vhd?.currentSize ?? c.virtualSize
        let found = sizeText(size)
        if size % mebibyte != 0 {
            let up = (size / mebibyte + 1)
            let rounded =
                c.vhd?.creatorApplication == "qemu"
                ? " (qemu rounded it to its CHS geometry: force_size was missing)" : ""
            return Outcome(
                .fail, found: found, evidence: evidence(c),
                summary:
                    "The virtual size \(size) is not a multiple of 1 MiB\(rounded); the next whole MiB is \(up) MiB.",
                remediation:
                    "Convert to raw, qemu-img resize -f raw IMAGE.raw \(up)M, then qemu-img convert -f raw -O vpc -o subformat=fixed,force_size IMAGE.raw IMAGE.vhd."
            )
        }
        if size < minimumVHDSize {
            return Outcome(
                .fail, found: found, evidence: evidence(c),
                summary: "The virtual size is below Azure's 20 MiB minimum.",
                remediation:
                    "qemu-img resize -f raw IMAGE.raw 20M (or more), then qemu-img convert -f raw -O vpc -o subformat=fixed,force_size IMAGE.raw IMAGE.vhd."
            )
        }
        return Outcome(
            .pass, found: found, evidence: evidence(c), summary: "The virtual size is \(size / mebibyte) MiB.")
    }

    static let vhdSizeMax = Requirement(
        id: "vhd-size-max", title: "The virtual size fits an OS disk (at most 1,023 GiB)", severity: .must,
        expected: "virtual (current) size at most 1,023 GiB (1,098,437,885,952 bytes)",
        reference: azureImageReference("G", "R", "M"),
        remediation:
            "Shrink the file systems and partitions, then the disk: qemu-img resize --shrink -f raw IMAGE.raw 1023G (or less) before converting."
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        let size = c.vhd?.currentSize ?? c.virtualSize
        let found = "\(size) bytes (\(size >> 30) GiB + \(size & ((1 << 30) - 1)) bytes)"
        if size > maximumOSDiskSize {
            return Outcome(
                .fail, found: found, evidence: evidence(c),
                summary:
                    "The virtual size is \((size - maximumOSDiskSize + (1 << 30) - 1) >> 30) GiB over Azure's 1,023 GiB OS disk limit."
            )
        }
        return Outcome(.pass, found: found, evidence: evidence(c), summary: "The virtual size is within 1,023 GiB.")
    }

    static let vhdQemuGeometry = Requirement(
        id: "vhd-qemu-geometry", title: "The size was not rounded to a CHS geometry", severity: .should,
        expected:
            "no footer with creator 'qemu' whose size is its CHS geometry's rounding (creator 'qem2': force_size was used)",
        reference: azureImageReference("G", "D", detail: "microsoft/azure-linux-image-tools vhdutils.go"),
        remediation:
            "Convert again with force_size: qemu-img convert -f raw -O vpc -o subformat=fixed,force_size IMAGE.raw IMAGE.vhd."
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        guard let v = c.vhd else { return notAVHD(c) }
        let found =
            "creator '\(v.creatorApplication)', current size \(v.currentSize), geometry size \(v.geometry.bytes)"
        // qemu-img without force_size writes creator "qemu" and a current size of exactly C×H×S×512,
        // which differs from the requested size unless that happened to be a geometry's product; a
        // geometry product that is a whole MiB cannot be told from a requested size, and is harmless.
        if v.creatorApplication == "qemu", v.currentSize == v.geometry.bytes, v.currentSize % mebibyte != 0 {
            return Outcome(
                .warn, found: found, evidence: evidence(c),
                summary:
                    "qemu-img sized this disk by its CHS geometry (force_size was missing): \(v.currentSize) bytes, not a whole MiB, so not the size requested."
            )
        }
        let why =
            v.creatorApplication == "qem2"
            ? "qemu-img wrote it with force_size (creator 'qem2')" : "its size is not a CHS geometry's rounding"
        return Outcome(.pass, found: found, evidence: evidence(c), summary: "The size is the one requested: \(why).")
    }
}
