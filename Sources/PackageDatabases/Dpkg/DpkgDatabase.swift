import BlockIO
import FileSystems
import Synchronization

/// The dpkg database of a guest: `/var/lib/dpkg/status` for the installed packages and
/// `/var/lib/dpkg/info/<package>[:<arch>].list` for the files each one owns.
///
/// The status file is read once, with a size cap (`maximumStatusSize`): a larger file is refused
/// with `.limitExceeded` rather than read. Paths are compared with `/bin`, `/sbin`, `/lib*` folded
/// onto `/usr`, so a merged-/usr guest's `/lib/x` matches a list's `/usr/lib/x` and the reverse.
///
/// `owners(of:)` of a path that is not a directory in the guest reads the lists of the likely
/// owners first (`linux-image-R*`, `linux-modules-R*` for a kernel's `/boot/vmlinuz-R` or
/// `/lib/modules/R/…`), then the others in status order, and stops at the first list that names
/// it: dpkg lets one package own a non-directory (unpacking another package's file is an error
/// unless it `Replaces` it, which moves the path out of the old list). A directory is owned by
/// every package that ships something inside, so it is answered from a full index of every list,
/// built once (also after a streamed search found nothing, from the bytes it had read).
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
    /// The first malformed paragraph as an error (`dpkg: /var/lib/dpkg/status: paragraph at line
    /// 40: … at byte 1234`; `problems` lists them all), nil when there is none. dpkg itself
    /// refuses a status file with such a paragraph, and a list without that record can pass a
    /// check for the wrong reason, so a check reports the image as unreadable.
    public let damage: ImageError?

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
        damage = status.problems.first.map {
            ImageError("dpkg", .corrupt, "\(Self.statusPath): \($0)", at: status.firstProblemOffset.map { UInt64($0) })
        }
    }

    /// Every installed package, in status-file order.
    public func packages() throws -> [InstalledPackage] { installed }

    /// Installed packages with this name.
    public func packages(named name: String) throws -> [InstalledPackage] { installed.filter { $0.name == name } }

    /// Packages whose `.list` names `guestPath` (merged-/usr aware), sorted.
    public func owners(of guestPath: String) throws -> [String] {
        let key = Self.canonical(guestPath)
        if let hit = index.withLock({ $0 }) { return (hit[key] ?? []).sorted() }
        if try !isDirectory(guestPath) {
            switch try firstOwner(of: key) {
            case .found(let name): return [name]
            case .absent(let lists):
                let built = Self.index(lists)
                index.withLock { $0 = built }
                return (built[key] ?? []).sorted()
            }
        }
        let built = Self.index(try readLists(packageNames()))
        index.withLock { $0 = built }
        return (built[key] ?? []).sorted()
    }

    /// True when `guestPath` is a directory in the guest. A path whose symlinks loop is not one:
    /// the lists record paths, not what they resolve to, so they still answer for it, and a loop
    /// outside the database is no reason to call the database unreadable.
    private func isDirectory(_ guestPath: String) throws -> Bool {
        do {
            return try tree.file(guestPath)?.attributes.type == .directory
        } catch let e as ImageError where e.kind == .loop {
            return false
        }
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

    /// Installed package names, each once, in status-file order.
    private func packageNames() -> [String] {
        var seen = Set<String>()
        return installed.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// The kernel release a path belongs to: `R` of `/boot/vmlinuz-R`, `/boot/vmlinux-R`,
    /// `/usr/lib/modules/R/…` (canonical paths); nil for any other path.
    static func kernelRelease(of key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count == 2, parts[0] == "boot" {
            for prefix in ["vmlinuz-", "vmlinux-"] where parts[1].hasPrefix(prefix) && parts[1].count > prefix.count {
                return String(parts[1].dropFirst(prefix.count))
            }
        }
        if parts.count >= 4, parts[0] == "usr", parts[1] == "lib", parts[2] == "modules" { return String(parts[3]) }
        return nil
    }

    private enum Search {
        case found(String)
        /// No list names the path: every list read, by package, to index without reading again.
        case absent([(name: String, bytes: [UInt8])])
    }

    /// The first package (likely owners first) whose list names `key`.
    private func firstOwner(of key: String) throws -> Search {
        var names = packageNames()
        if let release = Self.kernelRelease(of: key) {
            let likely = names.filter {
                $0.hasPrefix("linux-image-" + release) || $0.hasPrefix("linux-modules-" + release)
            }
            names = likely + names.filter { !likely.contains($0) }
        }
        let wanted = Array(key.utf8)
        var read: [(name: String, bytes: [UInt8])] = []
        var budget = Self.maximumListBytes
        for name in names {
            guard let bytes = try readList(name, budget: &budget) else { continue }
            if Self.list(bytes, names: wanted) { return .found(name) }
            read.append((name, bytes))
        }
        return .absent(read)
    }

    /// True when a line of `list` is the canonical path `key`, compared as bytes; only a line
    /// that is not already clean (`//`, `/./`, a trailing `/`) is canonicalised as a string.
    static func list(_ list: [UInt8], names key: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        let usr = Array("/usr".utf8)
        var start = 0
        while start < list.count {
            var end = start
            while end < list.count && list[end] != 0x0A { end += 1 }
            let line = list[start..<end]
            start = end + 1
            // Canonicalising never lengthens a line by more than the "/usr" it may prepend.
            guard !line.isEmpty, line.count + 4 >= key.count else { continue }
            var clean = line.first == slash && line.last != slash
            if clean {
                var i = line.startIndex
                while i < line.endIndex - 1 {
                    if line[i] == slash && (line[i + 1] == slash || line[i + 1] == UInt8(ascii: ".")) {
                        clean = false
                        break
                    }
                    i += 1
                }
            }
            if !clean {
                if Array(canonical(String(decoding: line, as: UTF8.self)).utf8) == key { return true }
                continue
            }
            guard line.count <= key.count, line.last == key.last else { continue }
            if line.elementsEqual(key) { return true }
            if line.count + 4 == key.count, key.starts(with: usr), line.elementsEqual(key[4...]) {
                let first = line.dropFirst().prefix { $0 != slash }
                if ["bin", "sbin", "lib", "lib32", "lib64", "libx32"].contains(String(decoding: first, as: UTF8.self)) {
                    return true
                }
            }
        }
        return false
    }

    /// The bytes of a package's `.list` (`name:arch.list` first), nil when it has none; counts
    /// its size against `budget`.
    private func readList(_ name: String, budget: inout Int) throws -> [UInt8]? {
        for p in installed where p.name == name {
            for file in listFileNames(p) {
                let path = Self.infoDirectory + "/" + file
                guard let r = try tree.file(path), r.attributes.type == .regular else { continue }
                let size = Int(min(r.attributes.size, UInt64(Self.maximumListSize)))
                guard size <= budget else {
                    throw ImageError("dpkg", .limitExceeded, "file lists exceed \(Self.maximumListBytes) bytes")
                }
                budget -= size
                return try r.fileSystem.contents(of: r.path, limit: size)
            }
            return nil
        }
        return nil
    }

    /// Every package's list, in status order.
    private func readLists(_ names: [String]) throws -> [(name: String, bytes: [UInt8])] {
        var budget = Self.maximumListBytes
        return try names.compactMap { name in try readList(name, budget: &budget).map { (name, $0) } }
    }

    /// Canonical path → owners, in list order.
    private static func index(_ lists: [(name: String, bytes: [UInt8])]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (name, bytes) in lists {
            for line in bytes.split(separator: 0x0A) where !line.isEmpty {
                let key = canonical(String(decoding: line, as: UTF8.self))
                if out[key]?.last != name { out[key, default: []].append(name) }
            }
        }
        return out
    }
}
