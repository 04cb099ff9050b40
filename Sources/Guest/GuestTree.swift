import BlockIO
import FileSystems
import PackageDatabases
import Synchronization

/// A file system attached at a guest path.
public struct GuestMount: Sendable {
    /// Where it is mounted in the guest (`/`, `/boot`, `/usr`).
    public var mountPoint: FSPath
    public var fileSystem: any FileSystem
    /// The directory of `fileSystem` shown at `mountPoint` (a btrfs subvolume path or a bind
    /// mount's source); root for most mounts.
    public var subpath: FSPath
    /// Where it came from, for evidence: `partition 2 (ext4, UUID=…)`.
    public var source: String

    public init(mountPoint: FSPath, fileSystem: any FileSystem, subpath: FSPath = .root, source: String) {
        self.mountPoint = mountPoint
        self.fileSystem = fileSystem
        self.subpath = subpath
        self.source = source
    }
}

/// A guest path resolved to the file system that holds it.
public struct ResolvedPath: Sendable {
    /// The canonical guest path, free of symlinks.
    public var guestPath: FSPath
    public var mount: GuestMount
    /// The path inside `mount.fileSystem`.
    public var path: FSPath
    public var attributes: FileAttributes
}

/// The guest's directory tree assembled from its mounts; the only place symlinks are followed.
///
/// Links are resolved inside the guest: an absolute target is taken from the guest root, `..`
/// never climbs above it, and at most `maximumHops` links are followed for one lookup (more is a
/// `.loop` error). Nothing of the host is ever read through a guest path.
public final class GuestTree: Sendable {
    public static let maximumHops = 40
    /// Mounts, longest mount point first so lookups find the innermost.
    public let mounts: [GuestMount]
    /// The package database `PackageDatabaseInspector` opened over these files, for the later
    /// inspectors' `owners(of:)`. It lives with the files it reads, not in `GuestFacts`: facts
    /// are values, and the requirements judged on them never open anything.
    let packageDatabase = Mutex<(any PackageDatabase)?>(nil)
    /// Drops the package database once the inspectors are done. The database reads its lists
    /// through this tree and so holds it: kept here, the pair is a cycle that is never freed, and
    /// with it the tree's file systems, caches and open files (3.5 MiB and two descriptors per
    /// image in a pile's worker, which checks image after image).
    func releasePackageDatabase() { packageDatabase.withLock { $0 = nil } }
    /// Folders resolved by `directory(_:)`, by the path asked (nil inside: not a directory).
    private let directories = Mutex<[String: ResolvedPath?]>([:])
    /// At most this many folders are kept by `directory(_:)`; past it, each call resolves.
    static let maximumKeptDirectories = 64
    /// How many readers may walk this tree side by side (`concurrentMap`'s width): 1 for an image
    /// on a local disk, where a read costs microseconds and order is all; more for one behind a
    /// URL, where each miss waits a round trip and only overlapping the waits makes it fast.
    public let readWidth: Int

    public init(mounts: [GuestMount], readWidth: Int = 1) {
        self.mounts = mounts.sorted { $0.mountPoint.components.count > $1.mountPoint.components.count }
        self.readWidth = max(1, readWidth)
    }

    public convenience init(root: any FileSystem, source: String = "root") {
        self.init(mounts: [GuestMount(mountPoint: .root, fileSystem: root, source: source)])
    }

    /// The mount holding a canonical guest path and the path inside its file system.
    public func locate(_ guestPath: FSPath) -> (GuestMount, FSPath)? {
        for m in mounts where guestPath.hasPrefix(m.mountPoint) {
            let below = guestPath.dropping(prefix: m.mountPoint)
            return (m, m.subpath.appending(below))
        }
        return nil
    }

    /// Resolves `path` (absolute, or relative to `/`) through symlinks and mounts.
    /// Returns nil when some component does not exist. `followFinal: false` stops at a final symlink.
    public func resolve(_ path: String, followFinal: Bool = true) throws -> ResolvedPath? {
        var pending = path.slashSeparatedComponents
        pending.reverse()
        var current = FSPath.root
        var hops = 0
        var last: ResolvedPath?
        if pending.isEmpty { return try lookup(.root) }
        while let c = pending.popLast() {
            if c == "." { continue }
            if c == ".." {
                current = current.parent
                last = nil
                continue
            }
            // Each component checked once, as it is appended (not the whole path again per step).
            let candidate = try current.appending(c)
            guard let found = try lookup(candidate) else { return nil }
            if found.attributes.type == .symlink && (followFinal || !pending.isEmpty) {
                hops += 1
                guard hops <= Self.maximumHops else {
                    throw ImageError("guest", .loop, "more than \(Self.maximumHops) symlinks resolving \(path)")
                }
                let target = try found.mount.fileSystem.destination(ofSymbolicLink: found.path)
                if target.hasPrefix("/") { current = .root }
                let parts = target.slashSeparatedComponents
                pending.append(contentsOf: parts.reversed())
                last = nil
                continue
            }
            current = candidate
            last = found
        }
        if let last { return last }
        return try lookup(current)
    }

    /// `path` resolved when it is a directory, nil otherwise; kept for the next call (the tree is
    /// read-only), for the folders a check probes name after name: the systemd unit folders,
    /// asked four at a time for every service an inspector looks for.
    func directory(_ path: String) throws -> ResolvedPath? {
        if let kept = directories.withLock({ $0[path] }) { return kept }
        let found = try resolve(path).flatMap { $0.attributes.type == .directory ? $0 : nil }
        directories.withLock { kept in
            if kept.count < Self.maximumKeptDirectories { kept[path] = .some(found) }
        }
        return found
    }

    /// What `resolve(folder + "/" + name)` gives, with the folder resolved once (`directory`):
    /// then one file system lookup when the name is absent or not a link (a link, a mount below
    /// the folder, or a name that is not one component take the whole path, errors included).
    func resolve(_ name: String, inDirectory folder: String) throws -> ResolvedPath? {
        let whole = folder + "/" + name
        guard let dir = try directory(folder) else { return try resolve(whole) }
        let depth = dir.guestPath.components.count
        guard let guestPath = try? dir.guestPath.appending(name), let inner = try? dir.path.appending(name),
            !mounts.contains(where: { $0.mountPoint.components.count > depth && $0.mountPoint.hasPrefix(dir.guestPath) }
            )
        else { return try resolve(whole) }
        guard let attributes = try dir.mount.fileSystem.attributes(of: inner) else { return nil }
        if attributes.type == .symlink { return try resolve(whole) }
        return ResolvedPath(guestPath: guestPath, mount: dir.mount, path: inner, attributes: attributes)
    }

    private func lookup(_ guestPath: FSPath) throws -> ResolvedPath? {
        guard let (mount, inner) = locate(guestPath) else { return nil }
        guard let attrs = try mount.fileSystem.attributes(of: inner) else { return nil }
        return ResolvedPath(guestPath: guestPath, mount: mount, path: inner, attributes: attrs)
    }

    /// Attributes of the resolved path, nil when absent.
    public func attributes(_ path: String, followFinal: Bool = true) throws -> FileAttributes? {
        try resolve(path, followFinal: followFinal)?.attributes
    }

    public func exists(_ path: String) throws -> Bool { try resolve(path) != nil }

    /// The entries of a directory, following links to it; throws `.notFound` when absent.
    public func contents(ofDirectory path: String) throws -> [DirectoryEntry] {
        guard let r = try resolve(path) else { throw ImageError("guest", .notFound, "no such directory: \(path)") }
        guard r.attributes.type == .directory else {
            throw ImageError("guest", .unsupported, "\(path) is not a directory")
        }
        return try r.mount.fileSystem.contents(ofDirectory: r.path)
    }

    /// At most `limit` bytes of a regular file, following links; throws `.notFound` when absent.
    public func contents(of path: String, limit: Int) throws -> [UInt8] {
        guard let r = try resolve(path) else { throw ImageError("guest", .notFound, "no such file: \(path)") }
        guard r.attributes.type == .regular else {
            throw ImageError("guest", .unsupported, "\(path) is not a regular file")
        }
        return try r.mount.fileSystem.contents(of: r.path, limit: limit)
    }

    /// The raw target of the symlink at `path` (intermediate links followed, the last not).
    public func destination(ofSymbolicLink path: String) throws -> String {
        guard let r = try resolve(path, followFinal: false), r.attributes.type == .symlink else {
            throw ImageError("guest", .notFound, "no such symlink: \(path)")
        }
        return try r.mount.fileSystem.destination(ofSymbolicLink: r.path)
    }
}
