import BlockIO
import Synchronization

// Rootfs tarballs and cpio archives (tar, tar.gz, tar.xz, tar.zst, tar.bz2, cpio newc/odc),
// read with libarchive in ONE streaming pass, because a compressed stream cannot seek:
//
//   file ──► libarchive filters (gzip/xz/zstd/bzip2) ──► tar/cpio headers ──► entries
//                                                      │
//            every entry: name, type, mode, owner, size, link target ─► kept (so `ls` works)
//            entries matching the PathInterest: first `sizeCap` bytes ─► kept
//            all other bytes ─────────────────────────────────────────► skipped
//
// Any other file's bytes (`cat`, any read outside the interest; `ls` needs none, every entry's
// name and attributes being kept) come from a SECOND pass on demand, not from an index of data
// offsets: an offset into a tar.gz, tar.xz or tar.zst cannot be seeked to (the decompressor must
// run from the start), so an index would serve only uncompressed tar, while a pass serves every
// archive libarchive reads. The first pass numbers each header; the later pass decompresses the
// archive again up to that entry and stops there. The cost: up to one more read of the
// compressed archive per file read; `check`'s inspectors read their interest, so it pays that
// only for a file one follows outside it (an sshd `Include` outside /etc/ssh).
//
// Duplicates: a later entry of the same path replaces the earlier one (as extraction would).

/// A tar or cpio archive read as a read-only file system in a single pass (and one more for each
/// read of bytes that pass did not keep).
///
/// Names and attributes of all entries are kept; bytes only of the regular files the `interest`
/// matches, each capped at `sizeCap`. Hard links and symlinks stay links.
///
/// The bytes of any other file (or past the cap) are read by a later pass over the archive up to
/// that file's entry: `stream` hands on a file of any size in one pass, in pieces; `contents`
/// and `read` return at most `sizeCap` bytes a call from such a pass (more is `.limitExceeded`),
/// so memory stays bounded by the cap as it is for the first pass.
public final class ArchiveFileSystem: FileSystem {
    static let layer = "archive"
    public var typeName: String { "archive" }
    /// Number of times the source was read from its start: 1 after opening (tests assert it),
    /// plus one for each read of bytes the first pass did not keep.
    public var passCount: Int { 1 + laterPasses.withLock { $0 } }
    private let laterPasses = Mutex(0)
    /// Bytes read from the source by the first pass.
    public let bytesRead: UInt64
    public let interest: PathInterest
    public let sizeCap: Int

    enum Kind: Sendable {
        /// `entry`: the number of the header whose data this is, for a later pass.
        case regular(data: [UInt8]?, entry: Int)
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
    /// What a later pass reads again.
    let segments: [ArchiveStream.Segment]

    /// Reads the archive at `path` (through `FileDevice`, so only this file is read).
    public convenience init(path: String, interest: PathInterest, sizeCap: Int = 16 << 20) throws {
        try self.init(device: try FileDevice(path: path), interest: interest, sizeCap: sizeCap)
    }

    /// Reads an archive from any device, sequentially, once; with `prefix`, only the entries
    /// below that folder, as the root (a rootfs packed as `./rootfs/…`).
    public init(device: any BlockDevice, interest: PathInterest, sizeCap: Int = 16 << 20, prefix: FSPath = .root) throws
    {
        var builder = ArchiveTreeBuilder(interest: interest, sizeCap: sizeCap, prefix: prefix)
        let read = try ArchiveStream.read(device, into: &builder)
        (nodes, children) = builder.finish()
        segments = [.init(device: device, base: 0)]
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
        var segments: [ArchiveStream.Segment] = []
        for segment in try ArchiveStream.initramfsSegments(bytes) {
            let slice = try SliceDevice(
                memory, start: UInt64(segment.lowerBound), size: UInt64(segment.count), layer: Self.layer)
            read += try ArchiveStream.read(slice, into: &builder, base: UInt64(segment.lowerBound))
            segments.append(.init(device: slice, base: UInt64(segment.lowerBound)))
        }
        (nodes, children) = builder.finish()
        self.segments = segments
        bytesRead = read
        self.interest = interest
        self.sizeCap = sizeCap
    }

    /// Does libarchive recognise `device` as a tar or cpio archive (compressed or not)? Reads only
    /// up to the first header (one `ArchiveStream.chunk`), through `device`, so a counting device
    /// sees the probe. Throws only when libarchive cannot be loaded (it is opened on first use).
    public static func matches(_ device: any BlockDevice) throws -> Bool {
        try ArchiveStream.recognizes(device)
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
                if best.map({
                    prefix.components.count < $0.components.count
                        || (prefix.components.count == $0.components.count && prefix < $0)
                }) ?? true {
                    best = prefix
                }
            }
        }
        guard let best, releases.allSatisfy({ nodes[(try? FSPath(components: $0)) ?? .root] == nil }) else {
            return nil
        }
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

    /// A regular file (through hard links): what the first pass kept of it (maybe nothing) and
    /// the entry holding the rest.
    func file(_ path: FSPath) throws -> (real: FSPath, kept: [UInt8], entry: Int, size: UInt64) {
        guard let (real, node) = try resolve(path) else {
            throw ImageError(Self.layer, .notFound, "no such file: \(path)")
        }
        guard case .regular(let data, let entry) = node.kind else {
            throw ImageError(Self.layer, .unsupported, "not a regular file: \(path)")
        }
        return (real, data ?? [], entry, node.attributes.size)
    }

    /// Bytes `start..<end` of a file (within its size): from the kept copy when it holds them,
    /// else from a later pass, which keeps at most `sizeCap` bytes.
    func bytes(of path: FSPath, _ start: UInt64, _ end: UInt64) throws -> [UInt8] {
        let f = try file(path)
        guard start < end else { return [] }
        if end <= UInt64(f.kept.count) { return Array(f.kept[Int(start)..<Int(end)]) }
        guard end - start <= UInt64(sizeCap) else {
            throw ImageError(
                Self.layer, .limitExceeded,
                "a read of \(end - start) bytes of \(path) (\(f.size) bytes) outside what the first pass kept: "
                    + "one read from an archive returns at most \(sizeCap) bytes (`imagegate cat` streams any size)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(end - start))
        try reread(f.real, entry: f.entry, size: f.size, from: start, chunk: ArchiveStream.chunk) { piece in
            out.append(contentsOf: piece.prefix(Int(end - start) - out.count))
            return out.count < Int(end - start)
        }
        return out
    }

    /// One later pass over the archive to entry `entry`'s data (counted in `passCount`).
    private func reread(
        _ path: FSPath, entry: Int, size: UInt64, from offset: UInt64, chunk: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        laterPasses.withLock { $0 += 1 }
        _ = try ArchiveStream.data(
            ofEntry: entry, size: size, in: segments, from: offset, chunk: chunk, body)
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        let size = try file(path).size
        return try bytes(of: path, 0, min(UInt64(max(0, limit)), size))
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        let size = try file(path).size
        guard offset < size, count > 0 else { return [] }
        return try bytes(of: path, offset, offset + min(UInt64(count), size - offset))
    }

    /// A file of any size in one pass (none when the first pass kept it whole), `chunkSize`
    /// bytes (at most `maximumSingleRead`) in memory at a time.
    public func stream(_ path: FSPath, size: UInt64, chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws {
        let f = try file(path)
        let chunk = max(1, min(chunkSize, maximumSingleRead))
        if UInt64(f.kept.count) >= f.size {
            for start in stride(from: 0, to: f.kept.count, by: chunk) {
                try body(Array(f.kept[start..<min(f.kept.count, start + chunk)]))
            }
            return
        }
        try reread(f.real, entry: f.entry, size: f.size, from: 0, chunk: chunk) { piece in
            try body(Array(piece))
            return true
        }
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        guard let node = nodes[path] else { throw ImageError(Self.layer, .notFound, "no such file: \(path)") }
        guard case .symlink(let target) = node.kind else {
            throw ImageError(Self.layer, .unsupported, "not a symbolic link: \(path)")
        }
        return target
    }
}
