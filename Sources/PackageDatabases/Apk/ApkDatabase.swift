import BlockIO

/// The apk (Alpine) database `/lib/apk/db/installed`: one paragraph per installed package,
/// `K:value` lines, a blank line between packages.
///
/// ```
/// P:cloud-init          ← name
/// V:24.1.3-r0           ← version[-rN]
/// A:x86_64              ← architecture
/// t:1712345678          ← build time
/// F:usr/bin             ← a directory (relative to /) …
/// R:cloud-init          ← … and a file in it
/// ```
/// apk-tools' "installed database" format (`apk_db_read`'s field letters). Lines of other
/// letters are ignored; a paragraph without `P` or `V` is skipped and recorded in `problems`.
public final class ApkDatabase: PackageDatabase {
    public static let path = "/lib/apk/db/installed"
    /// The largest database read (a real one is a few MiB).
    public static let maximumSize = 64 << 20

    public var kind: String { "apk" }
    public var evidence: String { Self.path }
    public let problems: [String]
    private let installed: [InstalledPackage]
    /// Path → owners, in file order.
    private let files: [String: [String]]

    /// Reads the database of `tree`; `.notFound` when absent, `.limitExceeded` when too large.
    public convenience init(tree: any PackageFileTree) throws {
        guard let r = try tree.file(Self.path) else { throw ImageError("apk", .notFound, "no \(Self.path)") }
        guard r.attributes.type == .regular else {
            throw ImageError("apk", .unsupported, "\(Self.path) is not a regular file")
        }
        guard r.attributes.size <= UInt64(Self.maximumSize) else {
            throw ImageError(
                "apk", .limitExceeded, "\(Self.path) too large: \(r.attributes.size) bytes (limit \(Self.maximumSize))")
        }
        self.init(bytes: try r.fileSystem.contents(of: r.path, limit: Self.maximumSize))
    }

    /// Parses the bytes of an installed database.
    public init(bytes: [UInt8]) {
        var packages: [InstalledPackage] = []
        var problems: [String] = []
        var files: [String: [String]] = [:]
        var fields: [UInt8: String] = [:]
        var paths: [String] = []
        var directory = ""
        var paragraphLine = 1
        func finish(_ line: Int) {
            defer {
                fields = [:]
                paths = []
                directory = ""
                paragraphLine = line + 1
            }
            guard !fields.isEmpty else { return }
            guard let name = fields[UInt8(ascii: "P")], !name.isEmpty, let full = fields[UInt8(ascii: "V")],
                !full.isEmpty
            else {
                if problems.count < 20 {
                    problems.append("paragraph at line \(paragraphLine): no P or V field, skipped")
                }
                return
            }
            var version = full
            var release: String?
            let u = Array(full.utf8)
            if let cut = (1..<max(u.count, 1)).reversed().first(where: { u[$0 - 1] == 0x2D && u[$0] == 0x72 }) {
                version = String(decoding: u[..<(cut - 1)], as: UTF8.self)
                release = String(decoding: u[cut...], as: UTF8.self)
            }
            packages.append(
                InstalledPackage(
                    manager: .apk, name: name, version: version, release: release,
                    architecture: fields[UInt8(ascii: "A")]))
            for p in paths where files[p]?.last != name { files[p, default: []].append(name) }
        }
        var lineNumber = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard raw.count >= 2, raw[raw.startIndex + 1] == UInt8(ascii: ":") else {
                if raw.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { finish(lineNumber) }
                continue
            }
            let key = raw[raw.startIndex]
            let value = String(decoding: raw.dropFirst(2), as: UTF8.self).trimmingASCIIWhitespace()
            switch key {
            case UInt8(ascii: "F"):
                directory = value
                paths.append("/" + value)
            case UInt8(ascii: "R"):
                paths.append("/" + (directory.isEmpty ? value : directory + "/" + value))
            default:
                if fields[key] == nil { fields[key] = value }
            }
        }
        finish(lineNumber)
        self.installed = packages
        self.problems = problems
        self.files = files
    }

    public func packages() throws -> [InstalledPackage] { installed }
    public func packages(named name: String) throws -> [InstalledPackage] { installed.filter { $0.name == name } }
    /// Packages recording exactly this path (apk records paths as installed, no merged-/usr folding).
    public func owners(of guestPath: String) throws -> [String] { (files[guestPath] ?? []).sorted() }
}
