import BlockIO
import FileSystems
import Foundation

/// The reference listing written by `images/tools/listing.py` (from a source tree or a loop
/// mount), and a comparison of any `FileSystem` with it: names, types, permissions, sizes, link
/// targets and the bytes of every regular file (FNV-1a 64).
public struct TreeListing: Sendable {
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var type: String
        public var permissions: String
        public var size: String
        public var detail: String
    }

    public var entries: [Entry]

    public init(file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        entries = text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Entry(
                path: f[0], type: f.count > 1 ? f[1] : "", permissions: f.count > 2 ? f[2] : "",
                size: f.count > 3 ? f[3] : "", detail: f.count > 4 ? f[4] : "")
        }
    }

    public static func fnv1a64(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBufferPointer { buf in
            for b in buf {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01B3
            }
        }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Lists `fs` below `root` in the same format (skipping `lost+found`).
    public static func list(_ fs: any FileSystem, root: FSPath = .root, compareContents: Bool = true) throws -> [Entry]
    {
        var out: [Entry] = []
        var stack = [root]
        while let dir = stack.popLast() {
            for e in try fs.contents(ofDirectory: dir) {
                let p = try dir.appending(e.name)
                let rel = "/" + p.dropping(prefix: root).components.joined(separator: "/")
                if rel == "/lost+found" { continue }
                guard let a = try fs.attributes(of: p) else {
                    throw ImageError("test", .notFound, "listed entry \(p) has no attributes")
                }
                let perm = String(a.permissions, radix: 8)
                switch a.type {
                case .directory:
                    out.append(Entry(path: rel, type: "directory", permissions: perm, size: "-", detail: "-"))
                    stack.append(p)
                case .symlink:
                    out.append(
                        Entry(
                            path: rel, type: "symlink", permissions: perm, size: String(a.size),
                            detail: try fs.destination(ofSymbolicLink: p)))
                case .regular:
                    let sum = compareContents ? fnv1a64(try fs.contents(of: p, limit: Int(a.size))) : "-"
                    out.append(Entry(path: rel, type: "regular", permissions: perm, size: String(a.size), detail: sum))
                default:
                    out.append(Entry(path: rel, type: "other", permissions: perm, size: "-", detail: "-"))
                }
            }
        }
        return out.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    /// Differences between this reference and `fs`, as readable lines (empty when equal).
    /// `ignorePermissions` for file systems that do not store them (FAT).
    public func differences(from fs: any FileSystem, root: FSPath = .root, ignorePermissions: Bool = false)
        throws -> [String]
    {
        let ours = try Self.list(fs, root: root)
        var diffs: [String] = []
        let theirs = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let mine = Dictionary(ours.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for e in entries where mine[e.path] == nil { diffs.append("missing: \(e.path)") }
        for e in ours where theirs[e.path] == nil { diffs.append("unexpected: \(e.path)") }
        for e in entries {
            guard var m = mine[e.path] else { continue }
            if ignorePermissions { m.permissions = e.permissions }
            if m != e { diffs.append("differs: expected \(e) got \(m)") }
        }
        return diffs
    }
}
