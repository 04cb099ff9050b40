import BlockIO
import FileSystems

/// A small text file read for inspection, or why it could not be.
struct TextFile {
    /// The path asked for.
    let path: String
    /// The canonical path after symlinks.
    let resolved: String
    let text: String
    let modificationTime: Int64
}

extension GuestTree {
    /// The largest configuration file an inspector reads.
    static let maximumTextSize = 1 << 20

    /// The text of a small regular file, nil when the path does not exist.
    ///
    /// Throws `.unsupported` when it is not a regular file (a directory, a device) or holds NUL
    /// bytes (binary), `.limitExceeded` when larger than `limit`, `.loop` for a symlink loop.
    func text(_ path: String, limit: Int = GuestTree.maximumTextSize) throws -> TextFile? {
        guard let r = try resolve(path) else { return nil }
        guard r.attributes.type == .regular else {
            throw ImageError("guest", .unsupported, "\(path) is a \(r.attributes.type.rawValue), not a regular file")
        }
        guard r.attributes.size <= UInt64(limit) else {
            throw ImageError("guest", .limitExceeded, "\(path) too large: \(r.attributes.size) bytes (limit \(limit))")
        }
        let bytes = try r.mount.fileSystem.contents(of: r.path, limit: limit)
        if let nul = bytes.firstIndex(of: 0) {
            throw ImageError("guest", .unsupported, "\(path): binary content (NUL byte at \(nul))")
        }
        return TextFile(
            path: path, resolved: r.guestPath.description, text: String(decoding: bytes, as: UTF8.self),
            modificationTime: r.attributes.modificationTime)
    }

    /// Up to `count` bytes of a regular file from `offset`, following links.
    func read(_ path: String, at offset: UInt64, count: Int) throws -> [UInt8] {
        let r = try regularFile(path)
        return try r.mount.fileSystem.read(r.path, at: offset, count: count)
    }

    /// Every byte of a regular file, following links and mounts as the inspectors' reads do,
    /// handed to `body` in order in pieces of at most `chunkSize` bytes, so a large file never
    /// sits in memory whole (`imagegate cat`). The path is resolved once.
    ///
    /// Throws `.notFound` when the path does not exist, `.unsupported` when it is not a regular
    /// file, and whatever the file system or `body` throws.
    public func read(_ path: String, chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws {
        let r = try regularFile(path)
        try r.mount.fileSystem.stream(r.path, size: r.attributes.size, chunkSize: chunkSize, body)
    }

    /// `path` resolved, when it is a regular file: the one check behind both reads.
    private func regularFile(_ path: String) throws -> ResolvedPath {
        guard let r = try resolve(path) else { throw ImageError("guest", .notFound, "no such file: \(path)") }
        guard r.attributes.type == .regular else {
            throw ImageError("guest", .unsupported, "\(path) is not a regular file")
        }
        return r
    }

    /// The entries of a directory, nil when it does not exist or is not a directory.
    func list(_ path: String) throws -> [DirectoryEntry]? {
        guard let r = try resolve(path), r.attributes.type == .directory else { return nil }
        return try r.mount.fileSystem.contents(ofDirectory: r.path).sorted { $0.name < $1.name }
    }

    /// The canonical path of `path` (links followed), nil when absent.
    func canonical(_ path: String) throws -> String? { try resolve(path)?.guestPath.description }

    /// Paths matching `directory/pattern` (`*` within the last component), sorted by name.
    func glob(_ directory: String, _ pattern: String) throws -> [String] {
        guard let entries = try list(directory) else { return [] }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return entries.filter { GuestInterest.glob(pattern, $0.name) }.map { base + "/" + $0.name }
    }

    /// Directories matching a pattern whose components may hold `*` (`/usr/lib/python3*/dist-packages`).
    func expand(_ pattern: String, maximum: Int = 256) throws -> [String] {
        var current = [""]
        for comp in pattern.split(separator: "/").map(String.init) {
            var next: [String] = []
            for base in current {
                if comp.contains("*") || comp.contains("?") {
                    next += try glob(base.isEmpty ? "/" : base, comp).map {
                        $0.hasPrefix("//") ? String($0.dropFirst()) : $0
                    }
                } else {
                    next.append(base + "/" + comp)
                }
                if next.count > maximum { break }
            }
            current = Array(next.prefix(maximum))
        }
        return try current.filter { try resolve($0) != nil }
    }
}

extension String {
    /// Lines without comments (from `#`) and surrounding whitespace, blank ones dropped.
    var activeLines: [String] {
        var lines: [String] = []
        forEachTrimmedLine { line in
            if !line.isEmpty && line.first != UInt8(ascii: "#") { lines.append(line.string) }
        }
        return lines
    }

    /// Space-separated words (tabs count as spaces).
    var words: [String] { split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
}
