import BlockIO

/// A btrfs file system read offline, rooted at one subvolume.
///
/// Opening reads the superblock (a mirror when the primary is damaged) and the chunk tree, and
/// roots the view at the default subvolume (root tree dir 6 DIR_ITEM "default", else FS_TREE 5).
/// `openSubvolume(path:)` / `openSubvolume(id:)` (and `SubvolumeProvider`) give views rooted
/// elsewhere (fstab `subvol=`, `subvolid=`); they share the device, chunk map and block cache.
/// Nested subvolumes appear as directories whose contents come from their own trees; a subvolume
/// entry copied into a snapshot is an empty directory, as the kernel shows it. Single and DUP
/// profiles only.
public final class BtrfsFileSystem: BlockFileSystem {
    let volume: BtrfsVolume
    let root: BtrfsSubvolumeRoot
    /// Where the paths resolved lead (`resolve`).
    let paths = PathLookupCache<Location>()
    /// The subvolume this view is rooted at (5 is the top-level FS_TREE).
    public var subvolumeID: UInt64 { root.tree.id }
    public var typeName: String { "btrfs" }

    /// Type, fsid UUID and label from the superblock.
    public var identity: FileSystemIdentity {
        let label = volume.superblock.label
        return FileSystemIdentity(
            type: "btrfs", uuid: UUIDText(volume.superblock.fsid, layout: .bigEndian).description,
            label: label.isEmpty ? nil : label)
    }

    /// True when the primary superblock carries the btrfs magic.
    public static func matches(_ device: any BlockDevice) -> Bool {
        guard device.size >= 0x1_0000 + UInt64(Btrfs.superblockSize) else { return false }
        do {
            return try device.read(at: 0x1_0040, count: 8, layer: Btrfs.layer) == Btrfs.magic
        } catch {
            return false
        }
    }

    /// Opens the file system rooted at its default subvolume.
    public convenience init(device: any BlockDevice) throws {
        let volume = try BtrfsVolume(device: device)
        let id = try Self.defaultSubvolumeID(volume)
        guard let root = try volume.subvolumeRoot(id) else {
            throw ImageError(Btrfs.layer, .corrupt, "default subvolume \(id) has no ROOT_ITEM")
        }
        self.init(volume: volume, root: root)
    }

    init(volume: BtrfsVolume, root: BtrfsSubvolumeRoot) {
        self.volume = volume
        self.root = root
    }

    /// The id of the default subvolume: DIR_ITEM "default" in the root tree's directory 6.
    static func defaultSubvolumeID(_ volume: BtrfsVolume) throws -> UInt64 {
        let name = Array("default".utf8)
        let key = BtrfsKey(volume.superblock.rootDirObjectID, Btrfs.dirItem, BtrfsCRC32C.nameHash(name))
        guard let r = try volume.item(volume.rootTree, key) else { return Btrfs.fsTreeObjectID }
        guard let entry = try BtrfsDirItem.all(r).first(where: { $0.name == name }) else { return Btrfs.fsTreeObjectID }
        return entry.location.objectID
    }

    // MARK: Paths

    /// Where a path leads: an inode of a tree, or the empty directory shown for a subvolume entry
    /// that has no matching ROOT_REF (a subvolume copied into a snapshot).
    struct Location {
        var root: BtrfsSubvolumeRoot
        var inode: UInt64
        var isEmptySubvolumeDirectory = false
    }

    static let maxDepth = 4096

    func resolve(_ path: FSPath) throws -> Location? {
        guard path.components.count <= Self.maxDepth else {
            throw ImageError(Btrfs.layer, .limitExceeded, "path of \(path.components.count) components")
        }
        return try paths.lookup(
            path, root: { Location(root: root, inode: root.rootDirectory) },
            step: { loc, c in
                guard !loc.isEmptySubvolumeDirectory else { return nil }
                guard let entry = try lookup(loc, Array(c.utf8)) else { return nil }
                return try target(of: entry, in: loc)
            })
    }

    /// Finds `name` in directory `dir` through its DIR_ITEM (key offset = crc32c name hash).
    func lookup(_ dir: Location, _ name: [UInt8]) throws -> BtrfsDirItem? {
        let key = BtrfsKey(dir.inode, Btrfs.dirItem, BtrfsCRC32C.nameHash(name))
        guard let r = try volume.item(dir.root.tree, key) else { return nil }
        return try BtrfsDirItem.all(r).first { $0.name == name }
    }

    /// Follows a directory entry; a ROOT_ITEM location enters the subvolume when the root tree has
    /// the matching ROOT_REF (parent tree, directory and name), as the kernel's lookup checks.
    func target(of entry: BtrfsDirItem, in dir: Location) throws -> Location {
        guard entry.location.type == Btrfs.rootItem else {
            return Location(root: dir.root, inode: entry.location.objectID)
        }
        let child = entry.location.objectID
        let refKey = BtrfsKey(dir.root.tree.id, Btrfs.rootRef, child)
        if let r = try volume.item(volume.rootTree, refKey) {
            var rr = r
            let ref = try BtrfsRootRef(&rr)
            guard ref.directory == dir.inode, ref.name == entry.name else {
                return Location(root: dir.root, inode: Btrfs.emptySubvolDirObjectID, isEmptySubvolumeDirectory: true)
            }
            guard let sub = try volume.subvolumeRoot(child) else {
                throw ImageError(
                    Btrfs.layer, .corrupt, "subvolume \(child) has a ROOT_REF but no ROOT_ITEM", at: r.base)
            }
            return Location(root: sub, inode: sub.rootDirectory)
        }
        return Location(root: dir.root, inode: Btrfs.emptySubvolDirObjectID, isEmptySubvolumeDirectory: true)
    }

    func inode(_ loc: Location) throws -> BtrfsInode {
        guard let r = try volume.item(loc.root.tree, BtrfsKey(loc.inode, Btrfs.inodeItem, 0)) else {
            throw ImageError(
                Btrfs.layer, .corrupt, "inode \(loc.inode) of tree \(loc.root.tree.id) has no INODE_ITEM",
                at: nil)
        }
        var rr = r
        return try BtrfsInode(&rr)
    }

    // MARK: FileSystem

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        guard let loc = try resolve(path) else { return nil }
        return try attributes(loc)
    }

    func attributes(_ loc: Location) throws -> FileAttributes {
        // Unique across subvolumes (every subvolume root is inode 256).
        let unique = loc.inode &+ (loc.root.tree.id << 48)
        if loc.isEmptySubvolumeDirectory {
            return FileAttributes(type: .directory, permissions: 0o755, size: 0, linkCount: 1, inode: unique)
        }
        let i = try inode(loc)
        return FileAttributes(
            type: FileType(mode: i.mode), permissions: UInt16(i.mode & 0o7777), size: i.size, uid: i.uid, gid: i.gid,
            modificationTime: i.modificationTime, linkCount: i.linkCount, inode: unique)
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        guard let loc = try resolve(path) else {
            throw ImageError(Btrfs.layer, .notFound, "no such directory: \(path)")
        }
        if loc.isEmptySubvolumeDirectory { return [] }
        let a = try attributes(loc)
        guard a.type == .directory else {
            throw ImageError(Btrfs.layer, .unsupported, "\(path) is not a directory")
        }
        var out: [DirectoryEntry] = []
        try volume.walk(
            loc.root.tree, from: BtrfsKey(loc.inode, Btrfs.dirIndex, 0),
            through: BtrfsKey(loc.inode, Btrfs.dirIndex, .max)
        ) { _, r in
            var r = r
            let e = try BtrfsDirItem(&r)
            let type: FileType = e.location.type == Btrfs.rootItem ? .directory : e.fileType
            out.append(DirectoryEntry(name: String(decoding: e.name, as: UTF8.self), type: type))
            return true
        }
        return out
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        guard let loc = try resolve(path) else { throw ImageError(Btrfs.layer, .notFound, "no such file: \(path)") }
        let a = try attributes(loc)
        guard a.type == .regular else { throw ImageError(Btrfs.layer, .unsupported, "\(path) is not a regular file") }
        let want = min(a.size, UInt64(max(0, limit)))
        guard want <= UInt64(maximumSingleRead) else {
            throw ImageError(Btrfs.layer, .limitExceeded, "read of \(want) bytes of \(path)")
        }
        return try readData(loc, size: a.size, at: 0, count: Int(want))
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard let loc = try resolve(path) else { throw ImageError(Btrfs.layer, .notFound, "no such file: \(path)") }
        let a = try attributes(loc)
        guard a.type == .regular else { throw ImageError(Btrfs.layer, .unsupported, "\(path) is not a regular file") }
        guard count >= 0, count <= maximumSingleRead else {
            throw ImageError(Btrfs.layer, .limitExceeded, "read of \(count) bytes of \(path)")
        }
        guard offset < a.size else { return [] }
        return try readData(loc, size: a.size, at: offset, count: Int(min(UInt64(count), a.size - offset)))
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        guard let loc = try resolve(path) else { throw ImageError(Btrfs.layer, .notFound, "no such file: \(path)") }
        let a = try attributes(loc)
        guard a.type == .symlink else { throw ImageError(Btrfs.layer, .unsupported, "\(path) is not a symbolic link") }
        guard a.size <= 4096 else {
            throw ImageError(Btrfs.layer, .corrupt, "symbolic link \(path) of \(a.size) bytes")
        }
        return String(decoding: try readData(loc, size: a.size, at: 0, count: Int(a.size)), as: UTF8.self)
    }
}
