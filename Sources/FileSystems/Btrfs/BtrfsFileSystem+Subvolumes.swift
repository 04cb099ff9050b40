import BlockIO

/// One subvolume as `btrfs subvolume list` shows it.
public struct BtrfsSubvolume: Sendable, Equatable, Codable {
    /// Subvolume (tree) id; 5 is the top level.
    public var id: UInt64
    /// Id of the subvolume holding it (0 for the top level).
    public var parentID: UInt64
    /// Path from the top level, without a leading slash ("@/home"); "" for the top level.
    public var path: String

    public init(id: UInt64, parentID: UInt64, path: String) {
        self.id = id
        self.parentID = parentID
        self.path = path
    }
}

extension BtrfsFileSystem {
    /// The id of the default subvolume (what a mount without `subvol=` shows).
    public var defaultSubvolumeID: UInt64 {
        get throws { try Self.defaultSubvolumeID(volume) }
    }

    /// Every subvolume reachable from the top level (from ROOT_BACKREF items), sorted by id;
    /// the top level (id 5) first.
    public func subvolumes() throws -> [BtrfsSubvolume] {
        var refs: [UInt64: (parent: UInt64, ref: BtrfsRootRef)] = [:]
        try volume.walk(
            volume.rootTree, from: BtrfsKey(Btrfs.firstFreeObjectID, 0, 0),
            through: BtrfsKey(Btrfs.lastFreeObjectID, .max, .max)
        ) { key, r in
            guard key.type == Btrfs.rootBackref else { return true }
            var rr = r
            refs[key.objectID] = (key.offset, try BtrfsRootRef(&rr))
            return refs.count < 1 << 20
        }
        var paths: [UInt64: String] = [Btrfs.fsTreeObjectID: ""]
        func path(_ id: UInt64, depth: Int) throws -> String? {
            if let p = paths[id] { return p }
            guard depth < 4096 else {
                throw ImageError(Btrfs.layer, .loop, "subvolume \(id) is nested more than 4096 deep")
            }
            guard let (parent, ref) = refs[id], let parentPath = try path(parent, depth: depth + 1),
                let parentRoot = try volume.subvolumeRoot(parent)
            else { return nil }
            let dir = try directoryPath(ref.directory, in: parentRoot)
            let p = (parentPath.isEmpty ? [] : [parentPath]) + dir + [String(decoding: ref.name, as: UTF8.self)]
            paths[id] = p.joined(separator: "/")
            return paths[id]
        }
        var out = [BtrfsSubvolume(id: Btrfs.fsTreeObjectID, parentID: 0, path: "")]
        for id in refs.keys.sorted() {
            guard let p = try path(id, depth: 0), let parent = refs[id]?.parent else { continue }
            out.append(BtrfsSubvolume(id: id, parentID: parent, path: p))
        }
        return out
    }

    /// The names from a subvolume's root directory down to directory `inode` (INODE_REF chain).
    func directoryPath(_ inode: UInt64, in root: BtrfsSubvolumeRoot) throws -> [String] {
        var names: [String] = []
        var ino = inode
        while ino != root.rootDirectory {
            guard names.count < Self.maxDepth else {
                throw ImageError(
                    Btrfs.layer, .loop, "directory \(inode) of tree \(root.tree.id) is deeper than \(Self.maxDepth)")
            }
            var parent: UInt64?
            var name: [UInt8] = []
            try volume.walk(
                root.tree, from: BtrfsKey(ino, Btrfs.inodeRef, 0), through: BtrfsKey(ino, Btrfs.inodeRef, .max)
            ) { k, r in
                var rr = r
                name = try BtrfsInodeRef(&rr).name
                parent = k.offset
                return false
            }
            guard let parent, parent != ino else {
                throw ImageError(Btrfs.layer, .corrupt, "directory \(ino) of tree \(root.tree.id) has no INODE_REF")
            }
            names.append(String(decoding: name, as: UTF8.self))
            ino = parent
        }
        return names.reversed()
    }

    /// A view rooted at subvolume `id` (fstab `subvolid=`); throws `.notFound` when it does not exist.
    public func openSubvolume(id: UInt64) throws -> BtrfsFileSystem {
        guard id == Btrfs.fsTreeObjectID || (id >= Btrfs.firstFreeObjectID && id <= Btrfs.lastFreeObjectID),
            let root = try volume.subvolumeRoot(id)
        else {
            throw ImageError(Btrfs.layer, .notFound, "no subvolume with id \(id)")
        }
        return BtrfsFileSystem(volume: volume, root: root)
    }

    /// A view rooted at the subvolume at `path` from the top level (fstab `subvol=@/home`; a
    /// leading slash is allowed). Throws `.notFound` when the path does not exist and
    /// `.unsupported` when it is a plain directory, as the kernel refuses to mount those.
    public func openSubvolume(path: String) throws -> BtrfsFileSystem {
        let top = try openSubvolume(id: Btrfs.fsTreeObjectID)
        let p = try FSPath(path)
        guard let loc = try top.resolve(p), !loc.isEmptySubvolumeDirectory else {
            throw ImageError(Btrfs.layer, .notFound, "no subvolume at \(p)")
        }
        guard loc.inode == loc.root.rootDirectory else {
            throw ImageError(Btrfs.layer, .unsupported, "\(p) is a directory, not a subvolume")
        }
        return BtrfsFileSystem(volume: volume, root: loc.root)
    }
}

extension BtrfsFileSystem: SubvolumeProvider {
    public var subvolumeProvider: (any SubvolumeProvider)? { self }
    /// `openSubvolume(path:)` for fstab's `subvol=`.
    public func subvolume(path: String) throws -> any FileSystem { try openSubvolume(path: path) }
    /// `openSubvolume(id:)` for fstab's `subvolid=`.
    public func subvolume(id: UInt64) throws -> any FileSystem { try openSubvolume(id: id) }
    /// The top-level subvolume (FS_TREE, id 5).
    public func topLevel() throws -> any FileSystem { try openSubvolume(id: Btrfs.fsTreeObjectID) }
}
