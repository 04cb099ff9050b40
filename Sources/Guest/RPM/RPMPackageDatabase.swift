import BlockIO
import Synchronization

/// An rpm database (any backend) as the `PackageDatabase` the inspectors read.
///
/// Packages are parsed once, when first asked; the path → owner index is built only when
/// `owners(of:)` is first called (from BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES). A header
/// that cannot be parsed makes the whole call throw: a partial package list could make a check
/// fail for the wrong reason, so the caller reports the database as unreadable (`skip`).
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

    private struct Cache {
        var packages: [InstalledPackage]?
        var owners: [String: [String]]?
    }
    private let cache = Mutex(Cache())

    public init(
        source: any RPMHeaderSource, evidence: String, decision: String = "", counter: ReadCounter = ReadCounter(),
        size: UInt64 = 0
    ) {
        self.source = source
        self.evidence = evidence
        self.decision = decision
        self.counter = counter
        self.size = size
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

    public func owners(of guestPath: String) throws -> [String] {
        if let index = cache.withLock({ $0.owners }) { return index[guestPath] ?? [] }
        var index: [String: [String]] = [:]
        var list: [InstalledPackage] = []
        try source.forEachHeaderBlob { blob in
            let header = try blob.header()
            let package = try InstalledPackage(rpmHeader: header)
            list.append(package)
            let paths: [String]
            do throws(ImageError) {
                paths = try header.filePaths()
            } catch {
                throw ImageError(error.layer, error.kind, "package \(blob.key): \(error.detail)", at: error.offset)
            }
            for path in paths where index[path]?.last != package.name {
                index[path, default: []].append(package.name)
            }
        }
        cache.withLock {
            $0.owners = index
            $0.packages = list
        }
        return index[guestPath] ?? []
    }
}
