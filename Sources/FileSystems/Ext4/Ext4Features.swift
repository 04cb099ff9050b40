/// `s_feature_compat`: a reader may ignore any of these (kept for the ext2/ext3/ext4 decision).
struct Ext4CompatFeatures: OptionSet, Sendable {
    let rawValue: UInt32
    static let hasJournal = Self(rawValue: 0x4)
}

/// `s_feature_incompat`: a reader must understand every bit set, or refuse the file system.
struct Ext4IncompatFeatures: OptionSet, Sendable {
    let rawValue: UInt32
    static let compression = Self(rawValue: 0x1)
    static let fileType = Self(rawValue: 0x2)
    /// Needs journal recovery; read as is (what a read-only mount with `noload` sees).
    static let recover = Self(rawValue: 0x4)
    static let journalDevice = Self(rawValue: 0x8)
    static let metaBlockGroups = Self(rawValue: 0x10)
    static let extents = Self(rawValue: 0x40)
    static let is64Bit = Self(rawValue: 0x80)
    static let multiMountProtection = Self(rawValue: 0x100)
    static let flexBlockGroups = Self(rawValue: 0x200)
    /// Large xattr values in their own inodes; only `system.data` is read, which never lives there.
    static let xattrInodes = Self(rawValue: 0x400)
    static let dirData = Self(rawValue: 0x1000)
    static let checksumSeed = Self(rawValue: 0x2000)
    static let largeDirectories = Self(rawValue: 0x4000)
    static let inlineData = Self(rawValue: 0x8000)
    /// Per-directory encryption: encrypted inodes are refused one by one.
    static let encrypt = Self(rawValue: 0x10000)
    /// Per-directory case folding: names are stored as created, lookup is exact.
    static let caseFold = Self(rawValue: 0x20000)

    /// Every bit this reader handles; anything else is refused with its name.
    static let understood: Self = [
        .fileType, .recover, .metaBlockGroups, .extents, .is64Bit, .multiMountProtection, .flexBlockGroups,
        .xattrInodes, .checksumSeed, .largeDirectories, .inlineData, .encrypt, .caseFold,
    ]

    private static let knownNames: [(UInt32, String)] = [
        (0x1, "compression"), (0x2, "filetype"), (0x4, "needs_recovery"), (0x8, "journal_dev"),
        (0x10, "meta_bg"), (0x40, "extent"), (0x80, "64bit"), (0x100, "mmp"), (0x200, "flex_bg"),
        (0x400, "ea_inode"), (0x1000, "dirdata"), (0x2000, "metadata_csum_seed"), (0x4000, "large_dir"),
        (0x8000, "inline_data"), (0x10000, "encrypt"), (0x20000, "casefold"),
    ]

    /// Names as `dumpe2fs` prints them; unknown bits as `FEATURE_I<bit>`.
    var names: String {
        var out: [String] = []
        for bit in 0..<32 where rawValue & (1 << UInt32(bit)) != 0 {
            let value = UInt32(1) << UInt32(bit)
            out.append(Self.knownNames.first { $0.0 == value }?.1 ?? "FEATURE_I\(bit)")
        }
        return out.joined(separator: ", ")
    }
}

/// `s_feature_ro_compat`: a read-only reader may ignore unknown bits; these change how we read.
struct Ext4ROCompatFeatures: OptionSet, Sendable {
    let rawValue: UInt32
    static let sparseSuper = Self(rawValue: 0x1)
    static let largeFile = Self(rawValue: 0x2)
    static let btreeDir = Self(rawValue: 0x4)
    /// `i_blocks` in file system blocks when the inode has `EXT4_HUGE_FILE_FL`.
    static let hugeFile = Self(rawValue: 0x8)
    static let groupDescriptorChecksum = Self(rawValue: 0x10)
    /// Allocation in clusters of several blocks: bitmaps and group sizes count clusters, which
    /// this reader does not model, so it is refused by name.
    static let bigalloc = Self(rawValue: 0x200)
    static let metadataChecksum = Self(rawValue: 0x400)
}

/// `i_flags` bits that change how an inode is read.
struct Ext4InodeFlags: OptionSet, Sendable {
    let rawValue: UInt32
    static let encrypted = Self(rawValue: 0x800)
    static let hashedIndex = Self(rawValue: 0x1000)
    static let hugeFile = Self(rawValue: 0x40000)
    static let extents = Self(rawValue: 0x80000)
    static let xattrInode = Self(rawValue: 0x200000)
    static let inlineData = Self(rawValue: 0x1000_0000)
}
