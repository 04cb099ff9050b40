import BlockIO

/// A file system that lives on a block device and can recognise its own superblock.
public protocol BlockFileSystem: FileSystem {
    /// Cheap check of the superblock magic; "not me" is `false`, never an error.
    static func matches(_ device: any BlockDevice) -> Bool
    /// Opens the file system (reads the superblock and what it needs to find the root only).
    init(device: any BlockDevice) throws
    /// Type, UUID and label from the superblock.
    var identity: FileSystemIdentity { get }
}

/// The ordered table of block file systems; the first whose `matches` is true opens the device.
public enum FileSystemProbe {
    public static let formats: [any BlockFileSystem.Type] = [
        Ext4FileSystem.self,
        XFSFileSystem.self,
        BtrfsFileSystem.self,
        FATFileSystem.self,
    ]

    /// True when one of our readers recognises the superblock on `device` (cheap: magic checks).
    public static func recognises(_ device: any BlockDevice) -> Bool {
        formats.contains { $0.matches(device) }
    }

    /// Opens the file system on `device`, or returns nil when no reader recognises it.
    /// Once a reader has matched, its errors propagate (a damaged ext4 is an error, not "unknown").
    public static func open(_ device: any BlockDevice) throws -> (any BlockFileSystem)? {
        for f in formats where f.matches(device) {
            return try f.init(device: device)
        }
        return nil
    }

    /// The reader of a file system type as libblkid names it, when there is one.
    public static func reader(forBlkidType type: String) -> (any BlockFileSystem.Type)? {
        switch type {
        case "ext2", "ext3", "ext4", "ext4dev": Ext4FileSystem.self
        case "xfs": XFSFileSystem.self
        case "btrfs": BtrfsFileSystem.self
        case "vfat": FATFileSystem.self
        default: nil
        }
    }
}
