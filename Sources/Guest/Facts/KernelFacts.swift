import PackageDatabases

/// One installed kernel: a `/lib/modules/<release>` directory and what belongs to it.
public struct KernelFacts: Sendable, Hashable, Codable, Comparable {
    /// `6.1.0-28-cloud-amd64`, `5.14.0-427.13.1.el9_4.x86_64`.
    public var release: String
    /// The modules directory as found (`/lib/modules/<release>` or `/usr/lib/modules/<release>`).
    public var modulesDirectory: Evidence
    /// The kernel image, when one exists (`/boot/vmlinuz-<release>` or `/lib/modules/<release>/vmlinuz`).
    public var image: KernelImageFacts?
    /// `/boot/config-<release>` when present.
    public var config: Evidence?
    /// Packages owning the kernel image or its modules directory; empty with `ownershipKnown`
    /// means a custom kernel (no package owns it).
    public var owners: [String]
    /// False when the package database could not be read or has no file lists (owners unknown).
    public var ownershipKnown: Bool
    /// The path whose owner was asked, and the database.
    public var ownerEvidence: [Evidence]
    /// True when the bootloader defaults to this kernel, false when it defaults to another one,
    /// nil when that cannot be told (see `GuestFacts.boot`).
    public var isDefault: Bool?
    /// The six drivers Accelerated Networking needs, in the order of `DriverFacts.required`.
    public var drivers: [DriverFacts]
    /// This kernel's initramfs (`/boot/initrd.img-<release>`, `/boot/initramfs-<release>.img`), if any.
    public var initramfs: InitramfsImageFacts?
    /// Problems met while inspecting this kernel (a modules walk cut at its bound, an unreadable config).
    public var problems: [String]
    /// The modules a policy declared (`DeclaredInterest.modules`), found as `drivers` finds its
    /// six, sorted by name; nil (absent from JSON) when none was declared.
    public var declaredModules: [DriverFacts]?

    /// Creates a value from its fields.
    public init(release: String, modulesDirectory: Evidence) {
        self.release = release
        self.modulesDirectory = modulesDirectory
        image = nil
        config = nil
        owners = []
        ownershipKnown = false
        ownerEvidence = []
        isDefault = nil
        drivers = []
        initramfs = nil
        problems = []
    }

    /// A kernel can boot when it has an image (vmlinuz).
    public var isBootable: Bool { image != nil }

    /// The release compared numerically (`6.12.0` ≥ `6.12`), nil when it does not start with a number.
    public var numericRelease: KernelRelease? { KernelRelease(release) }

    /// A stable order for sorted, deterministic output.
    public static func < (a: KernelFacts, b: KernelFacts) -> Bool { a.release < b.release }
}

/// A kernel image file and the version string its bzImage header carries.
public struct KernelImageFacts: Sendable, Hashable, Codable {
    /// The file.
    public var path: Evidence
    /// The string the x86 boot protocol points to (header field `kernel_version` at 0x20E, string
    /// at that value + 0x200): `6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP …`.
    public var versionString: String?
    /// The first word of `versionString`: the release the image was built as.
    public var builtRelease: String?
    /// Why there is no version string (`"not an x86 bzImage"`, `"boot protocol 2.00 has no kernel_version"`).
    public var unreadable: String?
    /// Modification time, seconds since the epoch.
    public var modificationTime: Int64

    /// Creates a value from its fields.
    public init(path: Evidence, modificationTime: Int64) {
        self.path = path
        self.modificationTime = modificationTime
    }
}

/// How one driver is present for one kernel.
public struct DriverFacts: Sendable, Hashable, Codable {
    /// The drivers Accelerated Networking needs, with the config symbols that build them in.
    public static let required: [(name: String, config: [String])] = [
        ("hv_vmbus", ["CONFIG_HYPERV"]),
        ("hv_netvsc", ["CONFIG_HYPERV_NET"]),
        ("pci_hyperv", ["CONFIG_PCI_HYPERV"]),
        ("mlx4_core", ["CONFIG_MLX4_CORE"]),
        ("mlx5_core", ["CONFIG_MLX5_CORE", "CONFIG_MLX5_CORE_EN"]),
        ("mana", ["CONFIG_MICROSOFT_MANA"]),
    ]

    /// How the driver is provided.
    public enum Presence: String, Sendable, Codable {
        /// A module file below the modules directory.
        case module
        /// Built into the kernel (`modules.builtin`, or `=y` in its config).
        case builtin
        /// None of the above; see `note` (for example a config `=m` without the file).
        case missing
    }

    /// The module name with `_` (`pci_hyperv`).
    public var name: String
    /// How the driver is provided.
    public var presence: Presence
    /// The module file (`/lib/modules/<r>/kernel/drivers/pci/controller/pci-hyperv.ko.xz`),
    /// `modules.builtin`, or the config file that decided.
    public var evidence: [Evidence]
    /// Each config symbol as the kernel's config sets it (`CONFIG_MLX5_CORE=m`, `CONFIG_MANA is not set`),
    /// when a config exists.
    public var config: [String]
    /// Why it counts as missing or built in, in words (`"CONFIG_MANA=m but no mana.ko* file: stripped modules package?"`).
    public var note: String?

    /// Creates a value from its fields.
    public init(name: String, presence: Presence, evidence: [Evidence], config: [String] = [], note: String? = nil) {
        self.name = name
        self.presence = presence
        self.evidence = evidence
        self.config = config
        self.note = note
    }

    /// `module <path>`, `builtin` or `missing`, as the `drivers` finding prints it.
    public var summary: String {
        switch presence {
        case .module: "module \(evidence.first?.value ?? "")"
        case .builtin: "builtin"
        case .missing: "missing"
        }
    }
}

/// What the bootloader boots by default, when it can be told.
public struct BootFacts: Sendable, Hashable, Codable {
    /// The kernel release of the default entry.
    public var defaultRelease: String?
    /// How it was decided (`"grub.cfg set default=\"0\": first menuentry"`, `"BLS entry with the highest version"`).
    public var how: String?
    /// The files read: grub.cfg, grubenv, BLS entries, /etc/default/grub.
    public var evidence: [Evidence]
    /// Why the default cannot be told; nil when `defaultRelease` is set.
    public var unknownReason: String?
    /// The default entry's kernel parameters, one word each (`console=ttyS0`, `quiet`): the words
    /// after the kernel path of its `linux` line, a BLS entry's `options` (`$kernelopts` taken
    /// from grubenv), or with no grub.cfg `GRUB_CMDLINE_LINUX` then `GRUB_CMDLINE_LINUX_DEFAULT`
    /// of `/etc/default/grub`. nil when no source was found.
    public var commandLine: [String]?
    /// The file the command line was read from.
    public var commandLineSource: Evidence?

    /// Creates a value from its fields.
    public init(
        defaultRelease: String? = nil, how: String? = nil, evidence: [Evidence] = [], unknownReason: String? = nil
    ) {
        self.defaultRelease = defaultRelease
        self.how = how
        self.evidence = evidence
        self.unknownReason = unknownReason
    }
}
