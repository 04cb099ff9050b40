import BlockIO

/// The kind of a directory entry or inode.
public enum FileType: String, Sendable, Codable, Hashable {
    case regular, directory, symlink, characterDevice, blockDevice, fifo, socket, unknown

    /// From the `S_IFMT` bits of a POSIX mode.
    public init(mode: UInt32) {
        switch mode & 0o170000 {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symlink
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        case 0o010000: self = .fifo
        case 0o140000: self = .socket
        default: self = .unknown
        }
    }

    /// From the type byte of an ext4, XFS or btrfs directory entry (`EXT4_FT_*`, `XFS_DIR3_FT_*`,
    /// `BTRFS_FT_*` share Linux's numbering 1…7; not `DT_*`, which `readdir` uses); nil for 0
    /// (unknown) and codes Linux does not define.
    public init?(directoryEntryType code: UInt8) {
        switch code {
        case 1: self = .regular
        case 2: self = .directory
        case 3: self = .characterDevice
        case 4: self = .blockDevice
        case 5: self = .fifo
        case 6: self = .socket
        case 7: self = .symlink
        default: return nil
        }
    }

    /// The `ls -l` type letter.
    public var letter: Character {
        switch self {
        case .regular: "-"
        case .directory: "d"
        case .symlink: "l"
        case .characterDevice: "c"
        case .blockDevice: "b"
        case .fifo: "p"
        case .socket: "s"
        case .unknown: "?"
        }
    }
}

/// What `stat` would say about an entry (never following a final symlink).
public struct FileAttributes: Sendable, Equatable {
    public var type: FileType
    /// Permission bits (`0o7777`), without the type.
    public var permissions: UInt16
    /// Bytes for regular files and symlinks; for directories, the size the file system records (as `ls -l` shows it).
    public var size: UInt64
    public var uid: UInt32
    public var gid: UInt32
    /// Seconds since the epoch.
    public var modificationTime: Int64
    public var linkCount: UInt32
    /// File-system-specific inode number (for hard-link detection and loops), 0 when none.
    public var inode: UInt64

    public init(
        type: FileType, permissions: UInt16, size: UInt64, uid: UInt32 = 0, gid: UInt32 = 0,
        modificationTime: Int64 = 0, linkCount: UInt32 = 1, inode: UInt64 = 0
    ) {
        self.type = type
        self.permissions = permissions
        self.size = size
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
        self.linkCount = linkCount
        self.inode = inode
    }
}

/// One name in a directory (never `.` or `..`).
public struct DirectoryEntry: Sendable, Equatable, Hashable {
    public var name: String
    public var type: FileType
    public init(name: String, type: FileType) {
        self.name = name
        self.type = type
    }
}

/// A read-only file system. Paths are relative to its own root and contain no symlinks.
///
/// Methods throw `ImageError` for malformed structures; absence is `nil` from `attributes(of:)`
/// and `.notFound` from the others.
public protocol FileSystem: Sendable {
    /// Short type name for `inspect` ("ext4", "xfs", "btrfs", "vfat", "directory", "archive").
    var typeName: String { get }
    /// nil: no such entry. Never follows the last symlink.
    func attributes(of path: FSPath) throws -> FileAttributes?
    /// The entries of a directory, without `.` and `..`, in no particular order.
    func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry]
    /// At most `limit` bytes of a regular file, from its start; holes read as zeros.
    func contents(of path: FSPath, limit: Int) throws -> [UInt8]
    /// The raw target of a symlink, unresolved.
    func destination(ofSymbolicLink path: FSPath) throws -> String
    /// Up to `count` bytes of a regular file from `offset` (fewer at its end); holes read as zeros.
    /// Random-access readers (SQLite's VFS over an rpmdb) use this to read only what they need;
    /// block file systems implement it without reading the whole file.
    func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8]
    /// Every byte of the regular file `path` (`size` bytes, as `attributes(of:)` gave), in order,
    /// in pieces of at most `chunkSize` bytes (`imagegate cat`). The default reads piece by piece
    /// with `read(_:at:count:)`; an archive, which cannot seek, reads the file in one pass instead.
    func stream(_ path: FSPath, size: UInt64, chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws
    /// This file system's subvolumes (btrfs), nil for one without. A requirement rather than a
    /// cast (`as? any SubvolumeProvider`): a failing cast to a protocol scans every conformance
    /// record of the binary, some 7,000, for each volume asked.
    var subvolumeProvider: (any SubvolumeProvider)? { get }
}

extension FileSystem {
    public var subvolumeProvider: (any SubvolumeProvider)? { nil }

    /// Default for sources without random access: reads the prefix and slices it.
    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(max(0, count)))
        guard !overflow, end <= UInt64(maximumSingleRead) else {
            throw ImageError(typeName, .limitExceeded, "read of \(count) bytes at \(offset) in \(path)")
        }
        let all = try contents(of: path, limit: Int(end))
        guard offset < UInt64(all.count) else { return [] }
        return Array(all[Int(offset)...])
    }

    public func stream(_ path: FSPath, size: UInt64, chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws {
        let chunk = UInt64(max(1, chunkSize))
        var offset: UInt64 = 0
        while offset < size {
            let bytes = try read(path, at: offset, count: Int(min(chunk, size - offset)))
            guard !bytes.isEmpty else { break }
            try body(bytes)
            offset += UInt64(bytes.count)
        }
    }

    /// Throws `.notFound` naming the path when it does not exist; helper for implementations.
    public func require(_ path: FSPath, layer: String) throws -> FileAttributes {
        guard let a = try attributes(of: path) else {
            throw ImageError(layer, .notFound, "no such file: \(path)")
        }
        return a
    }
}

/// Identity of a file system as its superblock states it (for fstab matching and `inspect`).
public struct FileSystemIdentity: Sendable, Equatable, Codable {
    public var type: String
    public var uuid: String?
    public var label: String?
    public init(type: String, uuid: String? = nil, label: String? = nil) {
        self.type = type
        self.uuid = uuid
        self.label = label
    }
}
