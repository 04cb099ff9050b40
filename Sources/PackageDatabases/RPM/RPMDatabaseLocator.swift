import BlockIO
import FileSystems

/// Finds a guest's rpm database and opens it with the right backend.
///
/// Looks in `/var/lib/rpm` and `/usr/lib/sysimage/rpm` (where `/var/lib/rpm` is often a symlink
/// to the other: the same file found twice counts once) for `rpmdb.sqlite` (SQLite, rpm ≥ 4.16),
/// `Packages.db` (ndb) and `Packages` (Berkeley DB hash). When several exist the newest backend
/// wins — SQLite, then ndb, then Berkeley DB (a conversion leaves the old file behind) — and, for
/// the same backend, `/var/lib/rpm` before `/usr/lib/sysimage/rpm`. Empty files are ignored.
public enum RPMDatabaseLocator {
    /// Directories searched, in order.
    public static let directories = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"]

    /// A backend file, in order of preference.
    public enum Backend: String, Sendable, CaseIterable {
        case sqlite = "rpmdb.sqlite"
        case ndb = "Packages.db"
        case bdb = "Packages"

        /// The `PackageDatabase.kind` it gives.
        public var kind: String {
            switch self {
            case .sqlite: "rpm-sqlite"
            case .ndb: "rpm-ndb"
            case .bdb: "rpm-bdb"
            }
        }
    }

    /// Every path looked at, the preferred first (for `GuestInterest` and "not found" evidence).
    public static var paths: [String] {
        Backend.allCases.flatMap { b in directories.map { $0 + "/" + b.rawValue } }
    }

    /// A database file present in the guest.
    public struct Candidate: Sendable {
        public let backend: Backend
        /// The canonical guest path (symlinks resolved).
        public let guestPath: String
        public let size: UInt64
        let resolved: PackageFile
    }

    /// Every non-empty database file, the preferred one first.
    public static func candidates(in tree: any PackageFileTree) throws -> [Candidate] {
        var found: [Candidate] = []
        var seen = Set<String>()
        for backend in Backend.allCases {
            for directory in directories {
                guard let r = try tree.file(directory + "/" + backend.rawValue), r.attributes.type == .regular,
                    r.attributes.size > 0
                else { continue }
                let canonical = r.guestPath
                guard seen.insert(canonical).inserted else { continue }
                found.append(Candidate(backend: backend, guestPath: canonical, size: r.attributes.size, resolved: r))
            }
        }
        return found
    }

    /// Opens the preferred rpm database of the guest.
    /// - Returns: nil when the guest has no rpm database at all.
    /// - Throws: `ImageError` when a database exists but cannot be read (its layer names the
    ///   backend: `rpm-sqlite`, `bdb`, `ndb`, `rpm-header`). A check reports that as the image's
    ///   error (verdict `error`, exit 2) — never as an empty package list.
    public static func open(_ tree: any PackageFileTree, counter: ReadCounter = ReadCounter()) throws
        -> RPMPackageDatabase?
    {
        let all = try candidates(in: tree)
        guard let chosen = all.first else { return nil }
        var decision = "\(chosen.guestPath) (\(chosen.backend.kind))"
        let others = all.dropFirst().map { "\($0.guestPath) (\($0.backend.kind))" }
        if !others.isEmpty { decision += " preferred over " + others.joined(separator: ", ") }
        return try open(chosen, in: tree, decision: decision, counter: counter)
    }

    /// Opens the database file at `guestPath` (`…/rpmdb.sqlite`, `…/Packages.db` or `…/Packages`),
    /// for callers that pick the file themselves.
    /// - Throws: `ImageError` `.notFound` when it does not exist or is empty, `.unsupported` for
    ///   another file name, else as `open(_:counter:)`.
    public static func open(_ tree: any PackageFileTree, path guestPath: String, counter: ReadCounter = ReadCounter())
        throws
        -> RPMPackageDatabase
    {
        let name = guestPath.split(separator: "/").last.map(String.init) ?? ""
        guard let backend = Backend(rawValue: name) else {
            throw ImageError("rpmdb", .unsupported, "\(guestPath) is not an rpm database file name")
        }
        guard let r = try tree.file(guestPath), r.attributes.type == .regular, r.attributes.size > 0 else {
            throw ImageError("rpmdb", .notFound, "no rpm database at \(guestPath)")
        }
        let c = Candidate(backend: backend, guestPath: r.guestPath, size: r.attributes.size, resolved: r)
        return try open(c, in: tree, decision: "\(c.guestPath) (\(backend.kind))", counter: counter)
    }

    private static func open(_ chosen: Candidate, in tree: any PackageFileTree, decision: String, counter: ReadCounter)
        throws
        -> RPMPackageDatabase
    {
        var decision = decision
        let device = CountingDevice(
            GuestFileDevice(
                fileSystem: chosen.resolved.fileSystem, path: chosen.resolved.path, size: chosen.size),
            counter: counter)
        let source: any RPMHeaderSource
        switch chosen.backend {
        case .sqlite:
            var wal: (any BlockDevice)?
            if let w = try tree.file(chosen.guestPath + "-wal"), w.attributes.type == .regular, w.attributes.size > 0 {
                wal = CountingDevice(
                    GuestFileDevice(fileSystem: w.fileSystem, path: w.path, size: w.attributes.size),
                    counter: counter)
                decision += ", with its \(w.attributes.size)-byte write-ahead log \(w.guestPath)"
            }
            source = try RPMSQLiteSource(database: device, wal: wal)
        case .ndb:
            source = try RPMNDBSource(device: device)
        case .bdb:
            source = try RPMBerkeleyDBSource(device: device)
        }
        return RPMPackageDatabase(
            source: source, evidence: chosen.guestPath, decision: decision, counter: counter, size: chosen.size,
            tree: tree)
    }
}
