import Guest

/// `first-mib-free` and `boot-mode` of profile `azure-image`: the OS disk's partition table and
/// boot areas, from `ContainerFacts` (what the firmware of a Gen1 or Gen2 VM reads first). A
/// folder or a tarball has no partition table: they skip there.
extension Requirement {
    static func tableEvidence(_ t: PartitionTableFacts) -> [Evidence] {
        [
            .structure(
                "\(t.scheme.rawValue) partition table, \(t.sectorSize)-byte sectors, sector 0 boot code \(t.mbrBootCode ? "present" : "all zeros")"
            )
        ]
            + t.partitions.map { p in
                .structure(
                    "partition \(p.number): sector \(p.start / t.sectorSize), \(p.size) bytes, type \(p.type)\(p.content.map { ", \($0)" } ?? "")\(p.efiLoaders.isEmpty ? "" : ", " + p.efiLoaders.joined(separator: " "))"
                )
            }
    }

    static let firstMiBFree = Requirement(
        id: "first-mib-free", title: "The first partition starts at or after 1 MiB", severity: .should,
        expected: "on a GPT disk, every partition starts at or after sector 2048 (1 MiB)",
        reference: azureImageReference("M"),
        remediation:
            "Recreate the partition table with 1 MiB alignment (sgdisk -a 2048, parted -a optimal) and move the first partition to sector 2048."
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        guard let t = c.partitionTable else {
            return Outcome(
                .skip, found: "no partition table", evidence: [containerEvidence(c)],
                summary: "The file system fills the whole disk: there is no partition to align.")
        }
        guard t.scheme == .gpt else {
            return Outcome(
                .skip, found: "MBR partition table", evidence: tableEvidence(t),
                summary: "The requirement is about GPT disks; this one has an MBR.")
        }
        guard let first = t.partitions.min(by: { $0.start < $1.start }) else {
            return Outcome(
                .skip, found: "no partitions", evidence: tableEvidence(t), summary: "The GPT holds no partition.")
        }
        let sector = first.start / t.sectorSize
        let found = "partition \(first.number) starts at sector \(sector) (byte \(first.start))"
        if first.start < mebibyte {
            return Outcome(
                .warn, found: found, evidence: tableEvidence(t),
                summary:
                    "Partition \(first.number) starts \(mebibyte - first.start) bytes before 1 MiB: the first MiB is not free.",
                remediation:
                    "Move partition \(first.number) to start at 1 MiB (sector \(mebibyte / t.sectorSize)) or later: recreate the table with sgdisk -a 2048 and copy the file system over."
            )
        }
        return Outcome(.pass, found: found, evidence: tableEvidence(t), summary: "The first MiB of the disk is free.")
    }

    /// The loader firmware falls back to on x86-64 (and arm64) when no boot entry names one.
    static let fallbackLoaders = ["EFI/BOOT/BOOTX64.EFI", "EFI/BOOT/BOOTAA64.EFI"]

    static let bootMode = Requirement(
        id: "boot-mode", title: "The image boots as Gen1 (BIOS), Gen2 (UEFI) or both", severity: .should,
        expected:
            "BIOS: a BIOS boot partition or MBR boot code; and/or UEFI: an EFI system partition with EFI/BOOT/BOOTX64.EFI or a distribution loader",
        reference: azureImageReference("G", "U", "R"),
        remediation:
            "Install a boot loader: grub-install --target=i386-pc onto the disk (Gen1; GPT needs a 1 MiB BIOS boot partition, type EF02) and/or grub-install --target=x86_64-efi --removable onto a FAT EFI system partition (Gen2)."
    ) { ctx in
        guard let c = ctx.container else { return notADiskImage }
        guard let t = c.partitionTable else {
            return Outcome(
                .warn, found: "no partition table", evidence: [containerEvidence(c)],
                summary:
                    "A file system on the whole disk holds neither MBR boot code nor an EFI system partition: neither generation can boot it."
            )
        }
        var bios: [String] = []
        if t.mbrBootCode { bios.append("boot code in sector 0") }
        for p in t.partitions where p.role == .biosBoot { bios.append("BIOS boot partition \(p.number)") }
        var uefi: [String] = []
        var espWithoutLoader: [String] = []
        for p in t.partitions where p.role == .efiSystem {
            let loaders = p.efiLoaders
            if let fallback = loaders.first(where: { fallbackLoaders.contains($0.uppercased()) }) {
                uefi.append("\(fallback) on partition \(p.number)")
            } else if let loader = loaders.first {
                uefi.append("\(loader) on partition \(p.number)")
            } else {
                espWithoutLoader.append(
                    "EFI system partition \(p.number) \(p.unreadable.map { "unreadable (\($0))" } ?? "holds no EFI/*/*.efi")"
                )
            }
        }
        let modes = [
            bios.isEmpty ? nil : "Gen1 (BIOS: \(bios.joined(separator: ", ")))",
            uefi.isEmpty ? nil : "Gen2 (UEFI: \(uefi.joined(separator: ", ")))",
        ]
        .compactMap { $0 }
        if modes.isEmpty {
            return Outcome(
                .warn,
                found: (["no MBR boot code, no BIOS boot partition"]
                    + (espWithoutLoader.isEmpty ? ["no EFI system partition"] : espWithoutLoader)).joined(
                        separator: "; "),
                evidence: tableEvidence(t),
                summary: "Neither a BIOS nor a UEFI boot path was found: the VM would not boot as Gen1 or Gen2.")
        }
        return Outcome(
            .pass, found: modes.joined(separator: " and "), evidence: tableEvidence(t),
            summary: "The image boots as \(modes.joined(separator: " and ")).")
    }
}
