import BlockIO
import Synchronization

// ext2/3/4 read-only, after the kernel's "ext4 Data Structures and Algorithms"
// (Documentation/filesystems/ext4/, "The Super Block" … "Directory Entries").
//
//   byte 0        1024          block F+1 (F = s_first_data_block: 1 for 1 KiB blocks, else 0)
//   ┌───────────┬─────────────┬──────────────────────┬───────────────┬────────────┬─────────┐
//   │ boot (1K) │ superblock  │ group descriptors    │ (reserved GDT)│ bitmaps    │ inode   │ … data
//   │           │ 1024 bytes  │ 32 or s_desc_size B  │               │            │ tables  │
//   └───────────┴─────────────┴──────────────────────┴───────────────┴────────────┴─────────┘
//   group g: blocks F + g·s_blocks_per_group …; with meta_bg the descriptors of meta group m sit
//   in the first block (after a backup superblock) of groups m·D, m·D+1 and the last of the group.
//
//   inode n → group (n-1) / s_inodes_per_group, slot (n-1) % s_inodes_per_group in its inode table
//   i_block (60 bytes) → extent tree (header 0xF30A, depth ≤ 5), or 12 direct + 3 indirect block
//   numbers (ext2/3), or a fast symlink, or inline data (+ the `system.data` xattr)
//   directory blocks → ext4_dir_entry_2 records {inode, rec_len, name_len, file_type, name}; an
//   htree's index blocks look like empty records to a linear scan, which is what we do.

/// An ext2, ext3 or ext4 file system on a block device, read-only and lazy.
///
/// Opening reads the superblock (and checks that the group descriptor table fits); group
/// descriptors, inodes and directories are read when a path needs them, through small bounded
/// caches. Errors are `ImageError`s with layer `ext4` and the device offset of the bad field.
public final class Ext4FileSystem: BlockFileSystem {
    static let layer = "ext4"
    static let rootInode: UInt32 = 2
    /// Path components walked per lookup (a deeper path is refused rather than walked forever).
    static let maxPathDepth = 4096
    /// Longest symlink target read (PATH_MAX).
    static let maxSymlinkSize: UInt64 = 4096

    let device: any BlockDevice
    let superblock: Ext4Superblock
    var blockSize: Int { superblock.blockSize }
    let cache = Mutex(Ext4Cache())
    /// Inode numbers of the paths looked up (`lookup`).
    let paths = PathLookupCache<UInt32>()

    /// `ext4`, `ext3` or `ext2`, as libblkid would name it from the features.
    public var typeName: String { superblock.typeName }

    /// Type, UUID (lower-case 8-4-4-4-12) and label (nil when empty), as `blkid` reports them.
    public var identity: FileSystemIdentity {
        FileSystemIdentity(
            type: superblock.typeName, uuid: UUIDText(superblock.uuid, layout: .bigEndian).description,
            label: superblock.label)
    }

    /// True when the device carries the ext2/3/4 magic 0xEF53 at byte 1080 and a plausible block
    /// size and revision (so a FAT whose table happens to hold 0xEF53 there is not taken for ext4).
    public static func matches(_ device: any BlockDevice) -> Bool {
        guard device.size >= 2048 else { return false }
        // Absence is the meaning here: an unreadable head is "not ext4".
        guard let sb = try? device.reader(at: Ext4Superblock.offset, count: 0x50, layer: layer),
            let magic = try? sb.u16le(at: 0x38), let logBlockSize = try? sb.u32le(at: 0x18),
            let revision = try? sb.u32le(at: 0x4C), let inodes = try? sb.u32le(at: 0x00)
        else { return false }
        return magic == 0xEF53 && logBlockSize <= 6 && revision <= 1 && inodes > 0
    }

    /// Reads and validates the superblock and the location of the group descriptor table.
    public init(device: any BlockDevice) throws {
        self.device = device
        var r = try device.reader(at: Ext4Superblock.offset, count: Ext4Superblock.size, layer: Self.layer)
        superblock = try Ext4Superblock(&r)
        if superblock.roCompat.contains(.metadataChecksum) {
            try Ext4Checksum.verifySuperblock(r.bytes, at: Ext4Superblock.offset)
        }
        let (fsBytes, overflow) = superblock.blocksCount.multipliedReportingOverflow(by: UInt64(blockSize))
        guard !overflow, fsBytes <= device.size else {
            throw ImageError(
                Self.layer, .truncated,
                "file system of \(superblock.blocksCount) blocks of \(blockSize) bytes is larger than the device (\(device.size) bytes)",
                at: Ext4Superblock.offset + 0x04)
        }
        try checkDescriptorTable()
        // The root inode must be readable, or nothing else will be.
        let root = try inode(Self.rootInode)
        guard root.type == .directory else {
            throw ImageError(Self.layer, .corrupt, "root inode is not a directory", at: root.offset)
        }
    }

    // MARK: FileSystem

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        guard let ino = try lookup(path) else { return nil }
        let node = try inode(ino)
        return FileAttributes(
            type: node.type, permissions: node.mode & 0o7777, size: node.size,
            uid: node.uid, gid: node.gid, modificationTime: node.modificationTime, linkCount: UInt32(node.linkCount),
            inode: UInt64(ino))
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        let node = try existing(path)
        guard node.type == .directory else {
            throw ImageError(Self.layer, .unsupported, "\(path) is not a directory")
        }
        return try directory(node).entries.map { DirectoryEntry(name: $0.name, type: $0.type) }
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        let node = try existingRegularFile(path)
        return try readFile(node, at: 0, count: Int(min(UInt64(max(0, limit)), node.size)))
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        let node = try existingRegularFile(path)
        return try readFile(node, at: offset, count: max(0, count))
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        let node = try existing(path)
        guard node.type == .symlink else {
            throw ImageError(Self.layer, .unsupported, "\(path) is not a symbolic link")
        }
        return String(decoding: try symlinkTarget(node), as: UTF8.self)
    }

    // MARK: Lookup

    private func existing(_ path: FSPath) throws -> Ext4Inode {
        guard let ino = try lookup(path) else {
            throw ImageError(Self.layer, .notFound, "no such file: \(path)")
        }
        return try inode(ino)
    }

    private func existingRegularFile(_ path: FSPath) throws -> Ext4Inode {
        let node = try existing(path)
        guard node.type == .regular else {
            throw ImageError(Self.layer, .unsupported, "\(path) is not a regular file")
        }
        return node
    }

    /// The inode number of `path`, or nil when a component is missing or is not a directory
    /// (a symlink on the way is not followed: the `FileSystem` contract).
    func lookup(_ path: FSPath) throws -> UInt32? {
        guard path.components.count <= Self.maxPathDepth else {
            throw ImageError(Self.layer, .limitExceeded, "path of \(path.components.count) components")
        }
        return try paths.lookup(
            path, root: { Self.rootInode },
            step: { current, name in
                let node = try inode(current)
                guard node.type == .directory else { return nil }
                return try directory(node).entry(named: name)?.inode
            })
    }
}
