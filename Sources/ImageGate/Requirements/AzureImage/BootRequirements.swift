import Guest

/// The "Boot" checks of profile `azure-image`: the initramfs of every bootable kernel, the
/// default entry's command line, modprobe.d, swap and fstab.
extension Requirement {
    /// How this guest rebuilds its initramfs with extra modules, from the image's name
    /// (`initrd.img-*`: initramfs-tools; `initramfs-*.img`, `initrd-*`: dracut).
    static func initramfsFix(_ kernel: KernelFacts, modules: [String]) -> String {
        let path = kernel.initramfs?.path.value ?? ""
        if path.hasPrefix("/boot/initrd.img-") {
            return
                "Add \(modules.joined(separator: ", ")) to /etc/initramfs-tools/modules (one a line), then update-initramfs -u -k \(kernel.release)."
        }
        return
            "Add add_drivers+=\" \(modules.joined(separator: " ")) \" to /etc/dracut.conf.d/azure.conf, then dracut -f --kver \(kernel.release)."
    }

    /// One initramfs module check: `modules` each inside every bootable kernel's initramfs or
    /// built into that kernel; `missing` is the status when one is not.
    static func initramfsModules(_ ctx: CheckContext, _ modules: [String], missing status: Status) -> Outcome {
        let f = ctx.facts
        // Facts gathered for other checks only (GuestInspector.inspect without these requirements'
        // `reads`): the images were not listed, which says nothing about their modules.
        if let why = f.initramfs.imagesNotRead {
            return Outcome(.skip, found: "not read", summary: "The initramfs images were not listed: \(why).")
        }
        let kernels = f.bootableKernels
        guard !kernels.isEmpty else {
            return Outcome(
                .fail, found: "no kernel", evidence: [.path("/lib/modules")],
                summary: "No kernel was found in the image.")
        }
        var lines: [String] = []
        var evidence: [Evidence] = []
        var problems: [String] = []
        var fixes: [String] = []
        var unread: [String] = []
        for k in kernels {
            guard let i = k.initramfs else {
                lines.append("\(k.release): no initramfs")
                problems.append(
                    "\(k.release) has no initramfs (/boot/initrd.img-\(k.release) or /boot/initramfs-\(k.release).img)")
                fixes.append(initramfsFix(k, modules: modules))
                continue
            }
            evidence.append(i.path)
            if let why = i.unreadable {
                lines.append("\(k.release): unreadable")
                unread.append("\(i.path.value): \(why)")
                continue
            }
            evidence += i.builtinEvidence
            let absent = modules.filter { !i.modules.contains($0) && !i.builtin.contains($0) }
            let how = modules.map { m in
                "\(m) \(i.modules.contains(m) ? "inside" : i.builtin.contains(m) ? "built in" : "missing")"
            }
            lines.append("\(k.release): " + how.joined(separator: ", "))
            if !absent.isEmpty {
                problems.append(
                    "\(i.path.value) lacks \(absent.joined(separator: ", ")) and \(k.release) does not build \(absent.count == 1 ? "it" : "them") in"
                )
                fixes.append(initramfsFix(k, modules: absent))
            }
        }
        let found = lines.joined(separator: "; ")
        if !problems.isEmpty {
            return Outcome(
                status, found: found, evidence: evidence, summary: problems.joined(separator: "; ") + ".",
                remediation: fixes.joined(separator: " "))
        }
        if !unread.isEmpty {
            return Outcome(
                .skip, found: found, evidence: evidence,
                summary: "Could not read: " + unread.joined(separator: "; ") + ".")
        }
        return Outcome(
            .pass, found: found, evidence: evidence,
            summary: "Every bootable kernel's initramfs has \(modules.joined(separator: ", ")) (inside or built in).")
    }

    static let initrdHyperV = Requirement(
        id: "initrd-hyperv", title: "Each initramfs has the Hyper-V storage, network and bus drivers", severity: .must,
        expected:
            "hv_vmbus, hv_storvsc and hv_netvsc inside every bootable kernel's initramfs (a .ko*), or built into the kernel",
        reference: azureImageReference("G", "R", "S", detail: "[L] verify_initrd_modules"),
        remediation:
            "Add hv_vmbus, hv_storvsc and hv_netvsc to the initramfs (/etc/initramfs-tools/modules and update-initramfs -u -k all, or add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \" in /etc/dracut.conf.d/azure.conf and dracut -f --regenerate-all).",
        reads: DeclaredInterest(initramfsImages: true)
    ) { ctx in initramfsModules(ctx, ["hv_vmbus", "hv_storvsc", "hv_netvsc"], missing: .fail) }

    static let initrdNVMe = Requirement(
        id: "initrd-nvme", title: "Each initramfs has the NVMe drivers", severity: .should,
        expected:
            "nvme and nvme_core inside every bootable kernel's initramfs, or built into the kernel (NVMe-only VM sizes)",
        reference: azureImageReference("R", "D", "S", "U"),
        remediation:
            "Add nvme and nvme_core to the initramfs (/etc/initramfs-tools/modules and update-initramfs -u -k all, or add_drivers+=\" nvme nvme_core \" in /etc/dracut.conf.d/azure.conf and dracut -f --regenerate-all).",
        reads: DeclaredInterest(initramfsImages: true)
    ) { ctx in initramfsModules(ctx, ["nvme", "nvme_core"], missing: .warn) }

    /// How to change the default entry's command line, by where it was read.
    static func commandLineFix(_ boot: BootFacts, add: [String] = [], remove: [String] = []) -> String {
        let source = boot.commandLineSource?.value ?? ""
        if source.hasPrefix("/boot/loader/entries") || source == "/etc/kernel/cmdline" {
            var parts: [String] = []
            if !add.isEmpty { parts.append("--args=\"\(add.joined(separator: " "))\"") }
            if !remove.isEmpty { parts.append("--remove-args=\"\(remove.joined(separator: " "))\"") }
            return "grubby --update-kernel=ALL \(parts.joined(separator: " ")) (and the same in /etc/kernel/cmdline)."
        }
        var change: [String] = []
        if !add.isEmpty { change.append("add \(add.joined(separator: " "))") }
        if !remove.isEmpty { change.append("remove \(remove.joined(separator: " "))") }
        return
            "In /etc/default/grub GRUB_CMDLINE_LINUX (and GRUB_CMDLINE_LINUX_DEFAULT) \(change.joined(separator: " and ")), then update-grub (grub2-mkconfig -o /boot/grub2/grub.cfg on RHEL and SUSE)."
    }

    static func commandLineEvidence(_ boot: BootFacts) -> [Evidence] {
        (boot.commandLineSource.map { [$0] } ?? []) + boot.evidence
    }

    /// The serial console Azure's boot diagnostics read, by the guest's architecture
    /// (`ArchitectureFacts`): the 16550 UART `ttyS0` on x86_64, the PL011 `ttyAMA0` on arm64; nil
    /// for another or an unknown architecture, where either is accepted.
    static func serialConsole(_ architecture: ArchitectureFacts) -> String? {
        switch architecture.name {
        case "x86_64"?: "ttyS0"
        case "aarch64"?: "ttyAMA0"
        default: nil
        }
    }

    static let kernelCmdlineConsole = Requirement(
        id: "kernel-cmdline-console", title: "The kernel logs to the serial console", severity: .must,
        expected: "console=ttyS0 (arm64: console=ttyAMA0) on the default boot entry's command line",
        reference: azureImageReference("G", "R", "U", "S", "M", detail: "[L] verify_serial_console_is_enabled"),
        remediation:
            "Add console=ttyS0,115200n8 (arm64: console=ttyAMA0) to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub or grub2-mkconfig; or grubby --update-kernel=ALL --args=console=ttyS0,115200n8)."
    ) { ctx in
        let boot = ctx.facts.boot
        let architecture = ctx.facts.architecture
        guard let line = boot.commandLine else {
            return Outcome(
                .fail, found: "no kernel command line", evidence: boot.evidence,
                summary:
                    "No default boot entry with a command line was found (grub.cfg, BLS entries, /etc/kernel/cmdline, /etc/default/grub)."
            )
        }
        let consoles = line.split(separator: " ").filter { $0.hasPrefix("console=") }.map(String.init)
        let wanted = serialConsole(architecture)
        // `console=ttyS0` and `console=ttyS0,115200n8` name the device; `console=ttyS01` does not.
        func names(_ console: String, _ device: String) -> Bool {
            console == "console=" + device || console.hasPrefix("console=\(device),")
        }
        let serial = consoles.first { c in (wanted.map { [$0] } ?? ["ttyS0", "ttyAMA0"]).contains { names(c, $0) } }
        let found = consoles.isEmpty ? "no console= in \"\(line)\"" : consoles.joined(separator: " ")
        let evidence =
            commandLineEvidence(boot)
            + (architecture.name == nil
                ? [
                    .structure(
                        "architecture unknown (\(architecture.unknownReason ?? "not inspected")): ttyS0 or ttyAMA0 accepted"
                    )
                ]
                : architecture.evidence)
        let on = architecture.name.map { " on \($0)" } ?? ""
        if let serial {
            return Outcome(
                .pass, found: found, evidence: evidence,
                summary: "The default entry logs to the serial console\(on) (\(serial)).")
        }
        let device = wanted ?? "ttyS0"
        return Outcome(
            .fail, found: found, evidence: evidence,
            summary:
                "The default entry's command line has no console=\(device)\(on): the serial console and boot diagnostics stay empty.",
            remediation: commandLineFix(boot, add: ["console=\(device),115200n8"]))
    }

    /// Arguments Azure's preparation pages say to remove: `name` or `name=value` exactly.
    static let avoidedArguments = ["rhgb", "quiet", "libata.atapi_enabled=0", "reserve=0x1f0,0x8"]
    /// Arguments they recommend, by name.
    static let recommendedArguments = ["rootdelay=300", "earlyprintk=ttyS0"]

    static let kernelCmdlineAvoid = Requirement(
        id: "kernel-cmdline-avoid", title: "No boot arguments that hide or break boot on Azure", severity: .should,
        expected:
            "none of rhgb, quiet, libata.atapi_enabled=0, reserve=0x1f0,0x8 on the default entry (rootdelay=300 and earlyprintk=ttyS0 recommended)",
        reference: azureImageReference("G", "R", detail: "[L] verify_grub"),
        remediation: "Remove rhgb, quiet, libata.atapi_enabled=0 and reserve=0x1f0,0x8 from the kernel command line."
    ) { ctx in
        let boot = ctx.facts.boot
        guard let line = boot.commandLine else {
            return Outcome(
                .skip, found: "no kernel command line", evidence: boot.evidence,
                summary: "No default boot entry with a command line was found; kernel-cmdline-console fails for it.")
        }
        let words = line.split(separator: " ").map(String.init)
        let avoided = avoidedArguments.filter(words.contains)
        let absent = recommendedArguments.filter { r in !words.contains { $0 == r || $0.hasPrefix(r + ",") } }
        let advice = absent.isEmpty ? "" : " (recommended, absent: \(absent.joined(separator: " ")))"
        if !avoided.isEmpty {
            return Outcome(
                .warn, found: avoided.joined(separator: " ") + advice, evidence: commandLineEvidence(boot),
                summary:
                    "The default entry has \(avoided.joined(separator: ", ")), which Azure's preparation guides say to remove.",
                remediation: commandLineFix(boot, add: absent, remove: avoided))
        }
        return Outcome(
            .pass, found: "none of them" + advice, evidence: commandLineEvidence(boot),
            summary: "The default entry has none of the arguments to avoid"
                + (absent.isEmpty ? "." : "; consider adding \(absent.joined(separator: " ")).")
        )
    }

    static let kernelModulesEnabled = Requirement(
        id: "kernel-modules-enabled", title: "vfat and udf can load", severity: .must,
        expected: "no `blacklist vfat|udf` and no `install vfat|udf /bin/false` (or /bin/true) in /etc/modprobe.d",
        reference: azureImageReference("G", "R", "S"),
        remediation:
            "Remove the blacklist and install lines for vfat and udf from /etc/modprobe.d (provisioning reads the UDF ovf-env disk)."
    ) { ctx in
        let m = ctx.facts.modprobe
        let blocks = m.blocks.filter { ["vfat", "udf"].contains($0.module) }
        if !blocks.isEmpty {
            return Outcome(
                .fail, found: blocks.map { "\($0.evidence.value): \($0.line)" }.joined(separator: "; "),
                evidence: blocks.map(\.evidence),
                summary:
                    "\(Set(blocks.map(\.module)).sorted().joined(separator: " and ")) cannot load: Azure provisions from a UDF disk, and the ESP is vfat.",
                remediation: "Delete "
                    + blocks.map {
                        "line \($0.evidence.value.split(separator: ":").last ?? "") of \($0.evidence.value.split(separator: ":").first ?? "") (\($0.line))"
                    }.joined(separator: "; ") + ".")
        }
        let found = m.files.isEmpty ? "no /etc/modprobe.d/*.conf" : "\(m.files.count) files, no block of vfat or udf"
        let problems = m.problems.isEmpty ? "" : " (could not read: \(m.problems.joined(separator: "; ")))"
        return Outcome(
            m.problems.isEmpty ? .pass : .skip, found: found + problems,
            evidence: m.files.isEmpty ? [.path("/etc/modprobe.d")] : m.files,
            summary: m.problems.isEmpty
                ? "Nothing in /etc/modprobe.d keeps vfat or udf from loading."
                : "Some modprobe.d files could not be read.")
    }

    static let noSwapOSDisk = Requirement(
        id: "no-swap-osdisk", title: "No swap on the OS disk", severity: .must,
        expected:
            "no swap partition or swap LV on the OS disk and no active swap in /etc/fstab (swap belongs on the resource disk)",
        reference: azureImageReference("G", "U", "S", "D", "M", detail: "[L] verify_no_swap_on_osdisk"),
        remediation:
            "Remove the swap from the OS disk and let the resource disk carry it: cloud-init `swap: {filename: /mnt/swapfile, size: auto}` (or waagent ResourceDisk.EnableSwap=y when waagent formats the resource disk)."
    ) { ctx in
        var found: [String] = []
        var evidence: [Evidence] = []
        var fixes: [String] = []
        if let c = ctx.container {
            for p in c.partitionTable?.partitions ?? [] where p.role == .swap || p.holdsSwap {
                found.append("partition \(p.number) is swap (type \(p.type)\(p.content.map { ", \($0)" } ?? ""))")
                evidence.append(.structure("partition \(p.number) at byte \(p.start), \(p.size) bytes, type \(p.type)"))
                fixes.append(
                    "delete partition \(p.number) (sgdisk -d \(p.number), or parted rm \(p.number)) and grow the one before it"
                )
            }
            for lv in c.swapLogicalVolumes {
                let path = "\(lv.volumeGroup)/\(lv.name)"
                found.append("lv \(path) is swap")
                evidence.append(.structure("lv \(path), \(lv.size) bytes, swap"))
                fixes.append("delete LV \(path) (lvremove \(path))")
            }
        }
        let fstab = ctx.facts.fstab
        for e in fstab.entries where e.type == "swap" && !e.options.contains("noauto") {
            found.append("/etc/fstab line \(e.line): \(e.spec) swap")
            evidence.append(.path("/etc/fstab:\(e.line)"))
            fixes.append(
                "remove line \(e.line) of /etc/fstab (\(e.spec))"
                    + (e.spec.hasPrefix("/") && !e.spec.hasPrefix("/dev/") ? " and delete \(e.spec)" : ""))
        }
        if !found.isEmpty {
            return Outcome(
                .fail, found: found.joined(separator: "; "), evidence: evidence,
                summary: "The OS disk carries swap: \(found.joined(separator: "; ")).",
                remediation: fixes.joined(separator: "; ").prefix(1).uppercased()
                    + fixes.joined(separator: "; ").dropFirst()
                    + "; then configure swap on the resource disk (cloud-init `swap:` with `mounts`, or waagent ResourceDisk.EnableSwap=y)."
            )
        }
        let looked =
            (ctx.container == nil ? "" : "no swap partition or LV; ")
            + (fstab.evidence.isEmpty ? "no /etc/fstab" : "no swap in /etc/fstab")
        return Outcome(.pass, found: looked, evidence: fstab.evidence, summary: "There is no swap on the OS disk.")
    }

    /// Kernel names of disks that change between VM sizes and boots.
    static let unstableDevicePrefixes = ["/dev/sd", "/dev/vd", "/dev/nvme", "/dev/xvd", "/dev/hd"]

    static let fstabPersistent = Requirement(
        id: "fstab-persistent", title: "/etc/fstab names file systems persistently", severity: .must,
        expected:
            "UUID=, LABEL=, PARTUUID= or /dev/mapper and LVM paths; never /dev/sd*, /dev/vd*, /dev/nvme* or /dev/xvd*",
        reference: azureImageReference("R", "D", "S", "U"),
        remediation: "Name each file system in /etc/fstab by UUID= (blkid shows it) instead of its kernel device name."
    ) { ctx in
        let fstab = ctx.facts.fstab
        guard !fstab.evidence.isEmpty else {
            return Outcome(
                .skip, found: "no /etc/fstab", evidence: [.path("/etc/fstab")],
                summary: "There is no /etc/fstab to check.")
        }
        if let why = fstab.unreadable {
            return Outcome(
                .skip, found: "unreadable", evidence: fstab.evidence, summary: "/etc/fstab could not be read: \(why).")
        }
        let bad = fstab.entries.filter { e in unstableDevicePrefixes.contains { e.spec.hasPrefix($0) } }
        if !bad.isEmpty {
            return Outcome(
                .fail, found: bad.map { "line \($0.line): \($0.spec) \($0.mountPoint)" }.joined(separator: "; "),
                evidence: bad.map { .path("/etc/fstab:\($0.line)") },
                summary:
                    "Device names such as \(bad[0].spec) change with the VM size and the order disks appear in: the mount can fail or hit the wrong disk.",
                remediation: bad.map {
                    "line \($0.line): replace \($0.spec) with UUID=<the UUID blkid \($0.spec) shows>"
                }.joined(separator: "; ") + ".")
        }
        return Outcome(
            .pass, found: "\(fstab.entries.count) entries, none by kernel device name", evidence: fstab.evidence,
            summary: "Every /etc/fstab entry names its file system persistently.")
    }
}
