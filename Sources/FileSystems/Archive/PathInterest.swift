/// The guest paths whose bytes a single-pass reader keeps (DESIGN.md's `GuestInterest`, as the
/// file system sees it): absolute glob patterns where `*`, `?` and `[…]` match within one path
/// component and a `**` component matches any number of components (none included).
///
/// ```swift
/// let interest = PathInterest(["/etc/os-release", "/usr/lib/modules/**/mlx*.ko", "/etc/*.conf"])
/// interest.matches("/usr/lib/modules/6.1.0/kernel/drivers/net/mlx5_core.ko")  // true
/// ```
public struct PathInterest: Sendable, Equatable {
    /// Patterns, each split into components.
    public let patterns: [String]
    private let compiled: [[String]]
    /// The patterns by their first component when it is a plain name, and those whose first
    /// component is a glob: an archive entry is matched only against the patterns it could
    /// meet, so a million entries under a folder no pattern names cost a lookup each (matching
    /// all patterns against each entry made a million-entry archive take minutes).
    private let byFirstName: [String: [Int]]
    private let globFirst: [Int]

    /// `patterns` are absolute guest paths (a missing leading `/` is implied).
    public init(_ patterns: [String]) {
        self.patterns = patterns
        compiled = patterns.map { $0.split(separator: "/").map(String.init) }
        var byFirstName: [String: [Int]] = [:]
        var globFirst: [Int] = []
        for (i, c) in compiled.enumerated() {
            if let first = c.first, !first.contains(where: { "*?[".contains($0) }) {
                byFirstName[first, default: []].append(i)
            } else {
                globFirst.append(i)
            }
        }
        self.byFirstName = byFirstName
        self.globFirst = globFirst
    }

    /// Every entry (for small archives, or tools that list everything).
    public static let everything = PathInterest(["/**"])
    /// No bytes at all: names and attributes only.
    public static let nothing = PathInterest([])

    /// Does the absolute guest `path` match one of the patterns?
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        let candidates = (parts.first.flatMap { byFirstName[String($0)] } ?? []) + globFirst
        guard !candidates.isEmpty else { return false }
        let components = parts.map { Array($0) }
        return candidates.contains { Self.match(compiled[$0][...], components[...]) }
    }

    /// One path component (a file name) against one pattern component: `*`, `?`, `[…]`.
    public static func matches(component name: String, pattern: String) -> Bool {
        component(Array(pattern), Array(name))
    }

    /// Components of a pattern against components of a path; `**` backtracks over components.
    static func match(_ p: ArraySlice<String>, _ s: ArraySlice<[Character]>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "**" {
            var rest = s
            while true {
                if match(p.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let name = s.first, component(Array(first), name) else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }

    /// fnmatch-style matching of one component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]` / `[^x]`.
    static func component(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0
        var si = 0
        var star: (p: Int, s: Int)?
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    star = (pi, si)
                    pi += 1
                    continue
                case "?":
                    pi += 1
                    si += 1
                    continue
                case "[":
                    if let (ok, next) = bracket(p, pi, s[si]) {
                        if ok {
                            pi = next
                            si += 1
                            continue
                        }
                    } else if s[si] == "[" {
                        pi += 1
                        si += 1
                        continue
                    }
                default:
                    if p[pi] == s[si] {
                        pi += 1
                        si += 1
                        continue
                    }
                }
            }
            guard let st = star else { return false }
            pi = st.p + 1
            si = st.s + 1
            star = (st.p, st.s + 1)
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Whether `c` is in the bracket expression at `p[start]`, and the index after it; nil when
    /// the bracket is not terminated (then `[` is literal).
    static func bracket(_ p: [Character], _ start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == "!" || p[i] == "^" {
            negate = true
            i += 1
        }
        var found = false
        var first = true
        while i < p.count, p[i] != "]" || first {
            first = false
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                if p[i] <= c && c <= p[i + 2] { found = true }
                i += 3
            } else {
                if p[i] == c { found = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (found != negate, i + 1)
    }
}
