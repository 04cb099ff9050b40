/// The hooks that copy the udev rule into initramfs images.
public struct InitramfsFacts: Sendable, Hashable, Codable {
    /// `/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov` and dracut
    /// `/usr/lib/dracut/modules.d/97azure-unmanaged-sriov` when installed.
    public var hooks: [Evidence]
    /// Why images were not opened (`"no hook installed: images not read"`), nil when they were.
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

    /// Creates a value from its fields.
    public init(path: Evidence, modificationTime: Int64) {
        self.path = path
        self.modificationTime = modificationTime
        archives = []
        entryCount = 0
        rulePath = nil
        containsRule = nil
        unreadable = nil
    }
}
