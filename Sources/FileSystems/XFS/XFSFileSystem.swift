import BlockIO
import Synchronization

/// A read-only XFS file system (v4 and v5) on a block device.
///
/// Opening reads the superblock only; inodes, extent maps and directories are read when a path
/// asks for them, through a bounded block cache and bounded caches of parsed extent maps and
/// directories. File data is read straight from the device, only the blocks asked for.
/// Layout and spec: see `XFS.swift`.
public final class XFSFileSystem: BlockFileSystem {
    public var typeName: String { "xfs" }
    /// The device the file system lives on (file data is read from it directly).
    let device: any BlockDevice
    /// The same device behind a small block cache, for metadata (inodes, directories, bmbt).
    let metadata: CachedDevice
    let superblock: XFSSuperblock
    /// Parsed extent maps and directories, each bounded by a total of 1 Mi extents or entries.
    let extentCache = Mutex(BoundedCache<UInt64, [XFSExtent]>(countLimit: 1024, costLimit: 1 << 20))
    let directoryCache = Mutex(BoundedCache<UInt64, XFSDirectory>(countLimit: 1024, costLimit: 1 << 20))
    /// Inodes of the paths resolved (`resolve`).
    let paths = PathLookupCache<XFSInode>()

    /// True when the device starts with the XFS superblock magic "XFSB".
    public static func matches(_ device: any BlockDevice) -> Bool {
        guard device.size >= UInt64(XFSSuperblock.readSize),
            let head = try? device.read(at: 0, count: 4, layer: XFS.layer)
        else { return false }
        return head == Array("XFSB".utf8)
    }

    /// Reads and validates the primary superblock. Throws `ImageError` (layer `xfs`): `.badMagic`,
    /// `.corrupt` (checksum, geometry, device too small), `.unsupported` (features, naming them).
    public init(device: any BlockDevice) throws {
        self.device = device
        var bytes = try device.read(at: 0, count: XFSSuperblock.readSize, layer: XFS.layer)
        // v5 checksums the whole sector; read it when sectors are larger than 512 bytes.
        let sectorSize = Int(bytes[0x66]) << 8 | Int(bytes[0x67])
        if sectorSize > XFSSuperblock.readSize, sectorSize <= 32768, UInt64(sectorSize) <= device.size {
            bytes = try device.read(at: 0, count: sectorSize, layer: XFS.layer)
        }
        let sb = try XFSSuperblock(bytes)
        let (deviceBytes, overflow) = sb.dataBlocks.multipliedReportingOverflow(by: UInt64(sb.blockSize))
        guard !overflow, deviceBytes <= device.size else {
            throw ImageError(
                XFS.layer, .truncated,
                "\(sb.dataBlocks) blocks of \(sb.blockSize) bytes do not fit a device of \(device.size) bytes",
                at: 0x08)
        }
        superblock = sb
        metadata = CachedDevice(device, blockSize: max(4096, Int(sb.blockSize)), capacity: 1024)
    }

    /// Type `xfs`, `sb_uuid` (what blkid prints, also when metadata carries `sb_meta_uuid`) and the label.
    public var identity: FileSystemIdentity {
        FileSystemIdentity(
            type: "xfs", uuid: UUIDText(superblock.uuid, layout: .bigEndian).description,
            label: superblock.label.isEmpty ? nil : superblock.label)
    }

    // MARK: Inodes

    /// Reads and parses inode `number`; a free inode (mode 0) is corruption when reached by name.
    func inode(_ number: UInt64, referencedAt: UInt64? = nil) throws -> XFSInode {
        let offset = try superblock.inodeOffset(number, referencedAt: referencedAt)
        let bytes = try metadata.read(at: offset, count: Int(superblock.inodeSize), layer: XFS.layer)
        let inode = try XFSInode(bytes, number: number, base: offset, superblock: superblock)
        guard inode.mode != 0 else {
            throw ImageError(XFS.layer, .corrupt, "inode \(number) is free but named in a directory", at: offset)
        }
        return inode
    }

    /// The inode a path names, or nil when a component does not exist (or a parent is not a directory).
    func resolve(_ path: FSPath) throws -> XFSInode? {
        try paths.lookup(
            path, root: { try inode(superblock.rootInode, referencedAt: 0x38) },
            step: { current, name in
                guard current.type == .directory else { return nil }
                guard let entry = try lookup(name, in: current) else { return nil }
                return try inode(entry.inode, referencedAt: entry.offset)
            })
    }

    // MARK: FileSystem

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        guard let node = try resolve(path) else { return nil }
        return FileAttributes(
            type: node.type, permissions: node.mode & 0o7777, size: node.size, uid: node.uid, gid: node.gid,
            modificationTime: node.modificationTime, linkCount: node.linkCount, inode: node.number)
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        guard let node = try resolve(path) else { throw ImageError(XFS.layer, .notFound, "no such directory: \(path)") }
        guard node.type == .directory else { throw ImageError(XFS.layer, .unsupported, "\(path) is not a directory") }
        let dir = try directory(node)
        var out: [DirectoryEntry] = []
        out.reserveCapacity(dir.entries.count)
        for (name, entry) in dir.entries {
            let type = try entry.type ?? inode(entry.inode, referencedAt: entry.offset).type
            out.append(DirectoryEntry(name: name, type: type))
        }
        return out
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        try read(path, at: 0, count: limit)
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard let node = try resolve(path) else { throw ImageError(XFS.layer, .notFound, "no such file: \(path)") }
        guard node.type == .regular else { throw ImageError(XFS.layer, .unsupported, "\(path) is not a regular file") }
        return try read(node, at: offset, count: count)
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        guard let node = try resolve(path) else { throw ImageError(XFS.layer, .notFound, "no such file: \(path)") }
        guard node.type == .symlink else { throw ImageError(XFS.layer, .unsupported, "\(path) is not a symbolic link") }
        return try symlinkTarget(node)
    }
}
