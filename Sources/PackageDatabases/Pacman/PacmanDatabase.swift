import BlockIO
import FileSystems

/// The pacman (Arch Linux, libalpm) local database: one folder per installed package below
/// `/var/lib/pacman/local`, named `<name>-<version>`, holding `desc` and `files`.
///
/// Both are `%SECTION%` blocks: a header line, one value per line, a blank line to end it
/// (alpm-db-desc(5), alpm-db-files(5)):
/// ```
/// %NAME%                 ← desc
/// cloud-init
///
/// %VERSION%              ← [epoch:]pkgver-pkgrel
/// 24.1.4-1
///
/// %ARCH%
/// any
///
/// %INSTALLDATE%          ← seconds since the epoch
/// 1712345678
///
/// %FILES%                ← files: paths relative to /, folders end with /
/// usr/
/// usr/bin/cloud-init
/// ```
/// Other sections are ignored. A folder without a readable `desc`, or a `desc` without
/// `%NAME%` or `%VERSION%`, is skipped and recorded in `problems`; a missing `files` only means
/// no owners for that package.
public final class PacmanDatabase: PackageDatabase {
    public static let directory = "/var/lib/pacman/local"
    /// The largest `desc` or `files` read (a big package's `files` is about 1 MiB).
    public static let maximumFileSize = 16 << 20
    /// The most package folders read (an Arch desktop has about 1 500).
    public static let maximumPackages = 100_000

    public var kind: String { "pacman" }
    public var evidence: String { Self.directory }
    public let problems: [String]
    private let installed: [InstalledPackage]
    /// Path → owners.
    private let files: [String: [String]]

    /// Reads the database of `tree`; `.notFound` when the folder is absent.
    public init(tree: any PackageFileTree) throws {
        guard let dir = try tree.file(Self.directory), dir.attributes.type == .directory else {
            throw ImageError("pacman", .notFound, "no \(Self.directory) folder")
        }
        let entries = try dir.fileSystem.contents(ofDirectory: dir.path)
            .filter { $0.type == .directory }.map(\.name).sorted()
        guard entries.count <= Self.maximumPackages else {
            throw ImageError(
                "pacman", .limitExceeded,
                "\(Self.directory) has \(entries.count) folders (limit \(Self.maximumPackages))")
        }
        var packages: [InstalledPackage] = []
        var problems: [String] = []
        var files: [String: [String]] = [:]
        func note(_ s: String) { if problems.count < 20 { problems.append(s) } }
        for entry in entries {
            let base = Self.directory + "/" + entry
            let desc: [String: [String]]
            do {
                guard let bytes = try Self.read(tree, base + "/desc") else {
                    note("\(base): no desc, skipped")
                    continue
                }
                desc = Self.sections(bytes)
            } catch let e as ImageError {
                note("\(base)/desc: \(e.detail), skipped")
                continue
            }
            guard let name = desc["NAME"]?.first, !name.isEmpty, let full = desc["VERSION"]?.first, !full.isEmpty else {
                note("\(base)/desc: no %NAME% or %VERSION%, skipped")
                continue
            }
            packages.append(Self.package(name: name, version: full, desc: desc))
            do {
                for path in Self.sections(try Self.read(tree, base + "/files") ?? [])["FILES"] ?? [] {
                    var p = "/" + path
                    if p.count > 1 && p.hasSuffix("/") { p.removeLast() }
                    if files[p]?.last != name { files[p, default: []].append(name) }
                }
            } catch let e as ImageError {
                note("\(base)/files: \(e.detail)")
            }
        }
        self.installed = packages
        self.problems = problems
        self.files = files
    }

    /// `[epoch:]pkgver-pkgrel` split as libalpm does: digits before a `:` are the epoch, the
    /// text after the last `-` the release.
    static func package(name: String, version full: String, desc: [String: [String]]) -> InstalledPackage {
        var rest = Substring(full)
        var epoch: Int?
        if let colon = rest.firstIndex(of: ":"), let e = Int(rest[..<colon]) {
            epoch = e
            rest = rest[rest.index(after: colon)...]
        }
        var release: String?
        if let dash = rest.lastIndex(of: "-") {
            release = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        return InstalledPackage(
            manager: .pacman, name: name, epoch: epoch, version: String(rest), release: release,
            architecture: desc["ARCH"]?.first, installTime: desc["INSTALLDATE"]?.first.flatMap { Int64($0) })
    }

    /// The bytes of a regular file below the database, nil when absent.
    static func read(_ tree: any PackageFileTree, _ path: String) throws -> [UInt8]? {
        guard let f = try tree.file(path) else { return nil }
        guard f.attributes.type == .regular else { throw ImageError("pacman", .unsupported, "not a regular file") }
        guard f.attributes.size <= UInt64(maximumFileSize) else {
            throw ImageError(
                "pacman", .limitExceeded, "too large: \(f.attributes.size) bytes (limit \(maximumFileSize))")
        }
        return try f.fileSystem.contents(of: f.path, limit: maximumFileSize)
    }

    /// `%SECTION%` → its value lines (up to the blank line that ends it).
    static func sections(_ bytes: [UInt8]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        var current: String?
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = String(decoding: raw, as: UTF8.self).trimmingASCIIWhitespace()
            if line.isEmpty {
                current = nil
            } else if line.count > 2, line.hasPrefix("%"), line.hasSuffix("%"), current == nil {
                let name = String(line.dropFirst().dropLast())
                current = name
                if out[name] == nil { out[name] = [] }
            } else if let current {
                out[current, default: []].append(line)
            }
        }
        return out
    }

    public func packages() throws -> [InstalledPackage] { installed }
    public func packages(named name: String) throws -> [InstalledPackage] { installed.filter { $0.name == name } }
    /// Packages recording exactly this path (as pacman lists it, relative paths made absolute).
    public func owners(of guestPath: String) throws -> [String] { (files[guestPath] ?? []).sorted() }
}
