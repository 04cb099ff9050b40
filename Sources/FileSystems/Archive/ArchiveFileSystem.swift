import BlockIO

// Rootfs tarballs and cpio archives (tar, tar.gz, tar.xz, tar.zst, tar.bz2, cpio newc/odc),
// read with libarchive in ONE streaming pass, because a compressed stream cannot seek:
//
//   file ──► libarchive filters (gzip/xz/zstd/bzip2) ──► tar/cpio headers ──► entries
//                                                      │
//            every entry: name, type, mode, owner, size, link target ─► kept (so `ls` works)
//            entries matching the PathInterest: first `sizeCap` bytes ─► kept
//            all other bytes ─────────────────────────────────────────► skipped
//
// Duplicates: a later entry of the same path replaces the earlier one (as extraction would).

/// A tar or cpio archive read as a read-only file system in a single pass.
///
/// Names and attributes of all entries are kept; bytes only of the regular files the `interest`
/// matches, each capped at `sizeCap`. Hard links and symlinks stay links. Asking for the bytes
/// of a file that was not kept throws `.unsupported` (declare it in the interest instead).
public final class ArchiveFileSystem: FileSystem {
    static let layer = "archive"
    public var typeName: String { "archive" }
    /// Number of times the source was read from its start (1 for every successfully opened
    /// archive: tests assert it).
    public let passCount: Int
    /// Bytes read from the source.
    public let bytesRead: UInt64
    public let interest: PathInterest
    public let sizeCap: Int

    enum Kind: Sendable {
        case regular(data: [UInt8]?)
        case directory
        case symlink(target: String)
        case hardlink(target: FSPath)
        case other
    }
    struct Node: Sendable {
        var attributes: FileAttributes
        var kind: Kind
    }

    let nodes: [FSPath: Node]
    let children: [FSPath: [String: FileType]]

    /// Reads the archive at `path` (through `FileDevice`, so only this file is read).
    public convenience init(path: String, interest: PathInterest, sizeCap: Int = 16 << 20) throws {
        try self.init(device: try FileDevice(path: path), interest: interest, sizeCap: sizeCap)
    }

    /// Reads an archive from any device, sequentially, once; with `prefix`, only the entries
    /// below that folder, as the root (a rootfs packed as `./rootfs/…`).
    public init(device: any BlockDevice, interest: PathInterest, sizeCap: Int = 16 << 20, prefix: FSPath = .root) throws {
        var builder = ArchiveTreeBuilder(interest: interest, sizeCap: sizeCap, prefix: prefix)
        let read = try ArchiveStream.read(device, into: &builder)
        (nodes, children) = builder.finish()
        passCount = 1
        bytesRead = read
        self.interest = interest
        self.sizeCap = sizeCap
    }

    /// Reads concatenated archives from memory, as Linux reads an initramfs: uncompressed cpio
    /// archives (each ending with `TRAILER!!!`, then zero padding) followed by at most one
    /// archive in any format libarchive reads (usually a compressed cpio). Later entries win.
    public init(bytes: [UInt8], interest: PathInterest, sizeCap: Int = 16 << 20) throws {
        var builder = ArchiveTreeBuilder(interest: interest, sizeCap: sizeCap)
        let memory = MemoryDevice(bytes)
        var read: UInt64 = 0
        for segment in try ArchiveStream.initramfsSegments(bytes) {
            let slice = try SliceDevice(
                memory, start: UInt64(segment.lowerBound), size: UInt64(segment.count), layer: Self.layer)
            read += try ArchiveStream.read(slice, into: &builder, base: UInt64(segment.lowerBound))
        }
        (nodes, children) = builder.finish()
        passCount = 1
        bytesRead = read
        self.interest = interest
        self.sizeCap = sizeCap
    }

    /// Does libarchive recognise `device` as a tar or cpio archive (compressed or not)? Reads only
    /// up to the first header (one `ArchiveStream.chunk`), through `device`, so a counting device
    /// sees the probe. Never throws.
    public static func matches(_ device: any BlockDevice) -> Bool {
        ArchiveStream.recognizes(device)
    }

    /// `matches(_:)` for the file at `path`; `false` when it cannot be opened.
    public static func matches(path: String) -> Bool {
        guard let device = try? FileDevice(path: path) else { return false }
        return matches(device)
    }

    /// The shallowest folder (at most 4 levels down) holding `etc/os-release` or
    /// `usr/lib/os-release`, when the archive's own root holds neither: where a rootfs packed
    /// under a folder (`./rootfs/…`, `./image/…`) starts. Nil when there is none or the root has one.
    public func nestedRoot() -> FSPath? {
        let releases = [["etc", "os-release"], ["usr", "lib", "os-release"]]
        var best: FSPath?
        for path in nodes.keys {
            for r in releases where path.components.count > r.count && path.components.count <= r.count + 4 {
                guard Array(path.components.suffix(r.count)) == r else { continue }
                let prefix = try? FSPath(components: Array(path.components.dropLast(r.count)))
                guard let prefix else { continue }
                if best.map({ prefix.components.count < $0.components.count || (prefix.components.count == $0.components.count && prefix < $0) }) ?? true {
                    best = prefix
                }
            }
        }
        guard let best, releases.allSatisfy({ nodes[(try? FSPath(components: $0)) ?? .root] == nil }) else { return nil }
        return best
    }

    // MARK: FileSystem

    /// Follows hard links (bounded) to the node holding the data.
    func resolve(_ path: FSPath) throws -> (FSPath, Node)? {
        var current = path
        for _ in 0..<16 {
            guard let node = nodes[current] else {
                guard current == path else {
                    throw ImageError(
                        Self.layer, .corrupt, "hard link \(path) names \(current), which is not in the archive")
                }
                return nil
            }
            guard case .hardlink(let target) = node.kind else { return (current, node) }
            current = target
        }
        throw ImageError(Self.layer, .loop, "hard link chain at \(path) does not end")
    }

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        if path.isRoot, nodes[path] == nil { return FileAttributes(type: .directory, permissions: 0o755, size: 0) }
        guard let (_, node) = try resolve(path) else {
            // A directory only implied by its children.
            return children[path] != nil ? FileAttributes(type: .directory, permissions: 0o755, size: 0) : nil
        }
        return node.attributes
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        guard let a = try attributes(of: path) else {
            throw ImageError(Self.layer, .notFound, "no such directory: \(path)")
        }
        guard a.type == .directory else { throw ImageError(Self.layer, .corrupt, "not a directory: \(path)") }
        return (children[path] ?? [:]).map { DirectoryEntry(name: $0.key, type: $0.value) }
    }

    /// The kept bytes of a regular file (through hard links).
    func kept(_ path: FSPath) throws -> (data: [UInt8], size: UInt64) {
        guard let (real, node) = try resolve(path) else {
            throw ImageError(Self.layer, .notFound, "no such file: \(path)")
        }
        guard case .regular(let data) = node.kind else {
            throw ImageError(Self.layer, .unsupported, "not a regular file: \(path)")
        }
        let size = node.attributes.size
        guard let data else {
            if size == 0 { return ([], 0) }
            throw ImageError(
                Self.layer, .unsupported,
                "bytes of \(real) were not kept in the single pass over the archive (not in the declared interest)")
        }
        return (data, size)
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        let (data, size) = try kept(path)
        let want = Int(min(UInt64(max(0, limit)), size))
        guard want <= data.count else {
            throw ImageError(
                Self.layer, .limitExceeded, "only the first \(data.count) bytes of \(path) (\(size) bytes) were kept")
        }
        return Array(data.prefix(want))
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        let (data, size) = try kept(path)
        guard offset < size, count > 0 else { return [] }
        let end = min(size, offset + UInt64(count))
        guard end <= UInt64(data.count) else {
            throw ImageError(
                Self.layer, .limitExceeded, "only the first \(data.count) bytes of \(path) (\(size) bytes) were kept")
        }
        return Array(data[Int(offset)..<Int(end)])
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        guard let node = nodes[path] else { throw ImageError(Self.layer, .notFound, "no such file: \(path)") }
        guard case .symlink(let target) = node.kind else {
            throw ImageError(Self.layer, .unsupported, "not a symbolic link: \(path)")
        }
        return target
    }
}
