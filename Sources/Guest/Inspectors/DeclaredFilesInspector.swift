import BlockIO
import FileSystems

/// Describes the files a caller declared (`DeclaredInterest.files`): existence, type, mode, owner,
/// and where each declared pattern first matches the content. The content itself is never kept
/// in the facts (it is printed, and a file may hold secrets): only line numbers.
public struct DeclaredFilesInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "declared-files"
    /// The largest file whose content is searched; a larger one is `unreadable` (patterns unknown).
    public static let maximumContentSize = 4 << 20
    /// Where uid and gid get their names.
    public static let accountFiles = ["/etc/passwd", "/etc/group"]

    /// The declared files and patterns.
    public let files: [String: DeclaredFile]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest { GuestInterest(DeclaredInterest(files: files).patterns) }

    /// An inspector for these declared files.
    public init(files: [String: DeclaredFile]) { self.files = files }

    /// Describes every declared file of `tree`.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        let names = files.values.contains(where: \.needsOwnerNames)
        let users = names ? Self.accounts(tree, "/etc/passwd") : [:]
        let groups = names ? Self.accounts(tree, "/etc/group") : [:]
        var out: [DeclaredFileFacts] = []
        for (path, want) in files.sorted(by: { $0.key < $1.key }) {
            var f = DeclaredFileFacts(path: path)
            do {
                if let r = try tree.resolve(path) {
                    f.resolved = r.guestPath.description
                    f.type = r.attributes.type.rawValue
                    f.mode = Self.octal(r.attributes.permissions)
                    f.uid = r.attributes.uid
                    f.gid = r.attributes.gid
                    f.user = users[r.attributes.uid]
                    f.group = groups[r.attributes.gid]
                    if !want.patterns.isEmpty { try search(tree, path, want.patterns, into: &f) }
                }
            } catch let e as ImageError {
                f.unreadable = e.detail
            }
            out.append(f)
        }
        facts.declaredFiles = out
    }

    func search(_ tree: GuestTree, _ path: String, _ patterns: [String], into f: inout DeclaredFileFacts) throws {
        guard let text = try tree.text(path, limit: Self.maximumContentSize)?.text else { return }
        for p in patterns.sorted() {
            guard let regex = try? Regex(p).anchorsMatchLineEndings() else {
                f.unreadable = "invalid pattern \(p)"
                continue
            }
            let line = text.firstMatch(of: regex).map { m in 1 + text[..<m.range.lowerBound].utf8.count { $0 == 0x0A } }
            f.matches.append(PatternMatch(pattern: p, line: line))
        }
    }

    /// `0644`, `4755`.
    static func octal(_ bits: UInt16) -> String {
        let s = String(bits & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// uid or gid → name from a `name:x:id:…` file; empty when the file is absent.
    static func accounts(_ tree: GuestTree, _ path: String) -> [UInt32: String] {
        guard let f = try? tree.text(path) else { return [:] }
        var out: [UInt32: String] = [:]
        for line in f.text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count > 2, let id = UInt32(fields[2]), out[id] == nil else { continue }
            out[id] = String(fields[0])
        }
        return out
    }
}
