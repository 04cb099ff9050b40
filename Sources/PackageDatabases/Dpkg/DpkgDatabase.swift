import BlockIO
import FileSystems
import Synchronization

/// The dpkg database of a guest: `/var/lib/dpkg/status` for the installed packages and
/// `/var/lib/dpkg/info/<package>[:<arch>].list` for the files each one owns.
///
/// The status file is read once, with a size cap (`maximumStatusSize`): a larger file is refused
/// with `.limitExceeded` rather than read. File lists are read only when `owners(of:)` is first
/// called, then kept in an index (paths with `/bin`, `/sbin`, `/lib*` folded onto `/usr`, so a
/// merged-/usr guest's `/lib/x` matches a list's `/usr/lib/x` and the reverse).
public final class DpkgDatabase: PackageDatabase {
    /// The dpkg status file.
    public static let statusPath = "/var/lib/dpkg/status"
    /// Where dpkg keeps each package's `.list` of files.
    public static let infoDirectory = "/var/lib/dpkg/info"
    /// The largest status file read (a real one is a few MiB).
    public static let maximumStatusSize = 64 << 20
    /// The largest single `.list` file read.
    public static let maximumListSize = 16 << 20
    /// At most this many bytes of `.list` files are read in all.
    public static let maximumListBytes = 256 << 20

    /// `dpkg`.
    public var kind: String { "dpkg" }
    /// The status file.
    public var evidence: String { Self.statusPath }
    /// Malformed paragraphs that were skipped.
    public let problems: [String]

    private let tree: any PackageFileTree
    private let installed: [InstalledPackage]
    private let index = Mutex<[String: [String]]?>(nil)

    /// Reads the status file of `tree`; throws `.notFound` when it does not exist, `.limitExceeded`
    /// when it is larger than `maximumStatusSize`.
    public init(tree: any PackageFileTree) throws {
        self.tree = tree
        guard let r = try tree.file(Self.statusPath) else {
            throw ImageError("dpkg", .notFound, "no \(Self.statusPath)")
        }
        guard r.attributes.type == .regular else {
            throw ImageError("dpkg", .unsupported, "\(Self.statusPath) is not a regular file")
        }
        guard r.attributes.size <= UInt64(Self.maximumStatusSize) else {
            throw ImageError(
                "dpkg", .limitExceeded,
                "\(Self.statusPath) too large: \(r.attributes.size) bytes (limit \(Self.maximumStatusSize))")
        }
        let bytes = try r.fileSystem.contents(of: r.path, limit: Self.maximumStatusSize)
        let status = DpkgStatus(bytes)
        installed = status.packages
        problems = status.problems
    }

    /// Every installed package, in status-file order.
    public func packages() throws -> [InstalledPackage] { installed }

    /// Installed packages with this name.
    public func packages(named name: String) throws -> [InstalledPackage] { installed.filter { $0.name == name } }

    /// Packages whose `.list` names `guestPath` (merged-/usr aware), sorted; builds the index on first use.
    public func owners(of guestPath: String) throws -> [String] {
        let key = Self.canonical(guestPath)
        if let hit = index.withLock({ $0 }) { return (hit[key] ?? []).sorted() }
        let built = try buildIndex()
        index.withLock { $0 = built }
        return (built[key] ?? []).sorted()
    }

    /// Seconds since the epoch when `name` was last installed or upgraded: the modification time
    /// of its `.list` file (dpkg rewrites it on every unpack). nil when there is none.
    public func installTime(of name: String) throws -> Int64? {
        for p in installed where p.name == name {
            for file in listFileNames(p) {
                if let a = try tree.file(Self.infoDirectory + "/" + file)?.attributes, a.type == .regular {
                    return a.modificationTime
                }
            }
        }
        return nil
    }

    /// `/lib/x` → `/usr/lib/x` (also `/bin`, `/sbin`, `/lib32`, `/lib64`, `/libx32`), `/` folded.
    static func canonical(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        parts.removeAll { $0 == "." }
        if let first = parts.first, ["bin", "sbin", "lib", "lib32", "lib64", "libx32"].contains(first) {
            parts.insert("usr", at: 0)
        }
        return "/" + parts.joined(separator: "/")
    }

    private func listFileNames(_ p: InstalledPackage) -> [String] {
        var names: [String] = []
        if let arch = p.architecture { names.append("\(p.name):\(arch).list") }
        names.append("\(p.name).list")
        return names
    }

    private func buildIndex() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        var budget = Self.maximumListBytes
        var seen = Set<String>()
        for p in installed where !seen.contains(p.name) {
            seen.insert(p.name)
            for file in listFileNames(p) {
                let path = Self.infoDirectory + "/" + file
                guard let r = try tree.file(path), r.attributes.type == .regular else { continue }
                let size = Int(min(r.attributes.size, UInt64(Self.maximumListSize)))
                guard size <= budget else {
                    throw ImageError("dpkg", .limitExceeded, "file lists exceed \(Self.maximumListBytes) bytes")
                }
                budget -= size
                let bytes = try r.fileSystem.contents(of: r.path, limit: size)
                for line in bytes.split(separator: 0x0A) where !line.isEmpty {
                    let key = Self.canonical(String(decoding: line, as: UTF8.self))
                    if out[key]?.last != p.name { out[key, default: []].append(p.name) }
                }
                break
            }
        }
        return out
    }
}
