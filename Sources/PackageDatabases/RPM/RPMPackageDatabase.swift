import BlockIO
import Synchronization

/// An rpm database (any backend) as the `PackageDatabase` the inspectors read.
///
/// Packages are parsed once, when first asked; the file index is built only when `owners(of:)`
/// is first called (from BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES). A header that cannot be
/// parsed makes the whole call throw: a partial package list could make a check fail for the
/// wrong reason, so the caller reports the database as unreadable (a check: verdict `error`).
public final class RPMPackageDatabase: PackageDatabase {
    public let source: any RPMHeaderSource
    /// The guest path of the database file.
    public let evidence: String
    public var kind: String { source.kind }
    /// Why this file was chosen, and what else was found (`RPMDatabaseLocator`).
    public let decision: String
    /// Bytes read from the database files through this database (with `size`, for `--stats`).
    public let counter: ReadCounter
    /// Size in bytes of the database file (its WAL not included).
    public let size: UInt64
    /// The guest, to match paths through directory symlinks as `rpm -qf` does; nil: exact only.
    public let tree: (any PackageFileTree)?

    /// Recorded files: exact path → owners, and name → (directory, owner) for symlink-aware lookups.
    private struct FileIndex: Sendable {
        var owners: [String: [String]] = [:]
        var byBasename: [String: [(directory: String, owner: String)]] = [:]
    }
    private struct Cache {
        var packages: [InstalledPackage]?
        var files: FileIndex?
        /// Recorded directory → its canonical guest path (nil: it does not exist in the guest).
        var canonical: [String: String?] = [:]
    }
    private let cache = Mutex(Cache())

    public init(
        source: any RPMHeaderSource, evidence: String, decision: String = "", counter: ReadCounter = ReadCounter(),
        size: UInt64 = 0, tree: (any PackageFileTree)? = nil
    ) {
        self.source = source
        self.evidence = evidence
        self.decision = decision
        self.counter = counter
        self.size = size
        self.tree = tree
    }

    public func packages() throws -> [InstalledPackage] {
        if let p = cache.withLock({ $0.packages }) { return p }
        var list: [InstalledPackage] = []
        try source.forEachHeaderBlob { blob in
            list.append(try InstalledPackage(rpmHeader: blob.header()))
        }
        cache.withLock { $0.packages = list }
        return list
    }

    public func packages(named name: String) throws -> [InstalledPackage] {
        if let p = cache.withLock({ $0.packages }) { return p.filter { $0.name == name } }
        return try source.headerBlobs(named: name).map { try InstalledPackage(rpmHeader: $0.header()) }
    }

    /// The packages owning `guestPath`, as `rpm -qf` answers: those that recorded exactly this
    /// path; else, with a `tree`, those that recorded the same name in the same guest directory
    /// reached through symlinks (`/usr/lib/modules/…` for a recorded `/lib/modules/…` when `/lib`
    /// links to `usr/lib`; rpm compares directory fingerprints the same way).
    public func owners(of guestPath: String) throws -> [String] {
        let files = try fileIndex()
        if let exact = files.owners[guestPath], !exact.isEmpty { return exact }
        guard let tree, let slash = guestPath.lastIndex(of: "/") else { return [] }
        let name = String(guestPath[guestPath.index(after: slash)...])
        let directory = String(guestPath[...slash])
        guard !name.isEmpty, let candidates = files.byBasename[name],
            let wanted = try canonicalDirectory(directory, in: tree)
        else { return [] }
        var out: [String] = []
        for c in candidates where c.directory != directory && !out.contains(c.owner) {
            if try canonicalDirectory(c.directory, in: tree) == wanted { out.append(c.owner) }
        }
        return out
    }

    /// The canonical guest path of a directory, memoised; nil when it does not exist (or its
    /// symlinks loop: then it cannot be the directory asked for).
    private func canonicalDirectory(_ directory: String, in tree: any PackageFileTree) throws -> String? {
        if let known = cache.withLock({ $0.canonical[directory] }) { return known }
        var found: String?
        do {
            if let r = try tree.file(directory), r.attributes.type == .directory {
                found = r.guestPath
            }
        } catch let e as ImageError where e.kind == .loop || e.kind == .notFound {
            found = nil
        }
        cache.withLock { $0.canonical[directory] = found }
        return found
    }

    private func fileIndex() throws -> FileIndex {
        if let index = cache.withLock({ $0.files }) { return index }
        var index = FileIndex()
        var list: [InstalledPackage] = []
        try source.forEachHeaderBlob { blob in
            let header = try blob.header()
            let package = try InstalledPackage(rpmHeader: header)
            list.append(package)
            let files: [RPMHeader.FileName]
            do throws(ImageError) {
                files = try header.fileNames()
            } catch {
                throw ImageError(error.layer, error.kind, "package \(blob.key): \(error.detail)", at: error.offset)
            }
            for f in files {
                let path = f.path
                guard index.owners[path]?.last != package.name else { continue }
                index.owners[path, default: []].append(package.name)
                index.byBasename[f.basename, default: []].append((f.directory, package.name))
            }
        }
        cache.withLock {
            $0.files = index
            $0.packages = list
        }
        return index
    }
}
