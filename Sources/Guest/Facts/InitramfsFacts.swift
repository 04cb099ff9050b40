/// The hooks that copy the udev rule into initramfs images.
public struct InitramfsFacts: Sendable, Hashable, Codable {
    /// `/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov` and dracut
    /// `/usr/lib/dracut/modules.d/97azure-unmanaged-sriov` when installed.
    public var hooks: [Evidence]
    /// Why images were not opened, nil when they were. Every kernel's initramfs is read now (for
    /// profile `azure-image`'s module checks), so this stays nil; kept because reports carry it.
    public var imagesNotRead: String?

    /// Creates a value from its fields.
    public init(hooks: [Evidence] = [], imagesNotRead: String? = nil) {
        self.hooks = hooks
        self.imagesNotRead = imagesNotRead
    }
}

/// One kernel's initramfs image and whether the rule is inside.
public struct InitramfsImageFacts: Sendable, Hashable, Codable {
    /// The file.
    public var path: Evidence
    /// Modification time, seconds since the epoch (compare with the azure-vm-utils package's install time).
    public var modificationTime: Int64
    /// The archives found in order (`"cpio"`, `"gzip cpio"`, `"zstd cpio"`).
    public var archives: [String]
    /// Names listed (all archives together).
    public var entryCount: Int
    /// The rule's path inside (`usr/lib/udev/rules.d/10-azure-unmanaged-sriov.rules`); nil when absent or not read.
    public var rulePath: String?
    /// Whether the rule is inside; nil when the image was not read or could not be read.
    public var containsRule: Bool?
    /// Why the content is unknown.
    public var unreadable: String?
    /// Of `bootModules`, those with a module file inside (`hv_storvsc`, `nvme_core`); sorted.
    public var modules: [String]
    /// Of `bootModules`, those the kernel has built in (`modules.builtin`, or `=y` in its
    /// config), so the initramfs need not carry them; in `bootModules` order.
    public var builtin: [String]
    /// Where `builtin` was read (the kernel's modules.builtin and config).
    public var builtinEvidence: [Evidence]

    /// The modules an Azure VM needs to find its root disk and network (profile `azure-image`,
    /// `initrd-hyperv` and `initrd-nvme`), with the config symbols that build each in.
    public static let bootModules: [(name: String, config: String)] = [
        ("hv_vmbus", "CONFIG_HYPERV"), ("hv_storvsc", "CONFIG_HYPERV_STORAGE"), ("hv_netvsc", "CONFIG_HYPERV_NET"),
        ("nvme", "CONFIG_BLK_DEV_NVME"), ("nvme_core", "CONFIG_NVME_CORE"),
    ]

    /// Creates a value from its fields.
    public init(path: Evidence, modificationTime: Int64) {
        self.path = path
        self.modificationTime = modificationTime
        archives = []
        entryCount = 0
        rulePath = nil
        containsRule = nil
        unreadable = nil
        modules = []
        builtin = []
        builtinEvidence = []
    }
}
