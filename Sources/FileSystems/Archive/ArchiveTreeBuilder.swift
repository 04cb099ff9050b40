import BlockIO

/// Collects entries during the single pass and builds the node and directory maps at the end.
struct ArchiveTreeBuilder {
    let interest: PathInterest
    let sizeCap: Int
    var nodes: [FSPath: ArchiveFileSystem.Node] = [:]
    /// Bounds no real root file system reaches, so that the index of a crafted archive cannot
    /// exhaust memory (each is an error naming the entry's offset): entries (a full Debian or
    /// RHEL root holds under 300,000), bytes of one entry's name (Linux's PATH_MAX), bytes of
    /// all names together, and the sizes the entries declare (16 TiB).
    static let maximumEntries = 2_000_000
    static let maximumNameBytes = 4096
    static let maximumTotalNameBytes = 256 << 20
    static let maximumDeclaredBytes: UInt64 = 1 << 44
    var nameBytes = 0
    var declaredBytes: UInt64 = 0
    /// Headers read so far, over every segment: the number a later pass finds an entry's data by.
    var entries = 0

    /// The folder of the archive that is read as its root; entries outside it are skipped.
    let prefix: FSPath

    init(interest: PathInterest, sizeCap: Int, prefix: FSPath = .root) {
        self.interest = interest
        self.sizeCap = max(0, sizeCap)
        self.prefix = prefix
    }

    /// `path` below `prefix`, or nil when it lies outside it (or is the prefix's own entry).
    func rebase(_ path: FSPath) -> FSPath? {
        guard !prefix.isRoot else { return path }
        guard path.hasPrefix(prefix), path != prefix else { return nil }
        return path.dropping(prefix: prefix)
    }

    /// `name` as stored: `./` prefixes, leading `/` and repeated slashes are dropped; `.` is the
    /// root; a `..` component cannot be represented and is an error.
    static func path(_ name: String, at offset: UInt64) throws -> FSPath {
        guard name.utf8.count <= maximumNameBytes else {
            throw ImageError(
                ArchiveFileSystem.layer, .limitExceeded,
                "entry name of \(name.utf8.count) bytes exceeds the limit of \(maximumNameBytes)", at: offset)
        }
        let parts = name.split(separator: "/").filter { $0 != "." }.map(String.init)
        guard !parts.contains("..") else {
            throw ImageError(
                ArchiveFileSystem.layer, .unsupported, "entry '\(name)' climbs out of the archive root", at: offset)
        }
        return try FSPath(components: parts)
    }

    func wantsBytes(_ path: FSPath) -> Bool { interest.matches(path.description) }

    mutating func add(_ path: FSPath, _ node: ArchiveFileSystem.Node, at offset: UInt64) throws {
        if nodes[path] == nil {
            if nodes.count >= Self.maximumEntries {
                throw ImageError(
                    ArchiveFileSystem.layer, .limitExceeded, "more than \(Self.maximumEntries) entries", at: offset)
            }
            nameBytes += path.components.reduce(1) { $0 + $1.utf8.count + 1 }
            if nameBytes > Self.maximumTotalNameBytes {
                throw ImageError(
                    ArchiveFileSystem.layer, .limitExceeded,
                    "entry names of more than \(Self.maximumTotalNameBytes) bytes in all", at: offset)
            }
        }
        declaredBytes = try Checked.add(declaredBytes, node.attributes.size, ArchiveFileSystem.layer, at: offset)
        if declaredBytes > Self.maximumDeclaredBytes {
            throw ImageError(
                ArchiveFileSystem.layer, .limitExceeded,
                "entries declaring more than \(Self.maximumDeclaredBytes) bytes in all", at: offset)
        }
        nodes[path] = node
    }

    /// A hard link that carries the data (cpio puts it on the last link): the data belongs to
    /// the file it links to.
    mutating func attachData(_ data: [UInt8]?, size: UInt64, entry: Int, to target: FSPath) {
        guard var t = nodes[target], case .regular = t.kind else { return }
        t.kind = .regular(data: data, entry: entry)
        t.attributes.size = size
        nodes[target] = t
    }

    func finish() -> ([FSPath: ArchiveFileSystem.Node], [FSPath: [String: FileType]]) {
        var children: [FSPath: [String: FileType]] = [:]
        for (path, node) in nodes where !path.isRoot {
            var type = node.attributes.type
            if case .hardlink(let target) = node.kind { type = nodes[target]?.attributes.type ?? .regular }
            children[path.parent, default: [:]][path.name] = type
            // Parents that have no entry of their own are directories.
            var p = path.parent
            while !p.isRoot {
                if children[p.parent, default: [:]][p.name] != nil { break }
                children[p.parent, default: [:]][p.name] = nodes[p]?.attributes.type ?? .directory
                p = p.parent
            }
        }
        return (nodes, children)
    }
}
