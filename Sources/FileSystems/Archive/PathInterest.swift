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
    private let compiled: [[[Character]]]
    /// The same components as bytes, for a pattern of plain ASCII (nil otherwise): matched
    /// against a plain ASCII path's bytes, with the answer of its `Character`s (each is one byte)
    /// at a fraction of the cost. Every entry of an archive is matched: on the Debian 12 tarball
    /// matching `Character`s was a quarter of a check's CPU.
    private let compiledASCII: [[[UInt8]]?]
    /// The patterns by their first component when it is a plain name, and those whose first
    /// component is a glob: an archive entry is matched only against the patterns it could
    /// meet, so a million entries under a folder no pattern names cost a lookup each (matching
    /// all patterns against each entry made a million-entry archive take minutes).
    private let byFirstName: [String: [Int]]
    private let globFirst: [Int]

    /// `patterns` are absolute guest paths (a missing leading `/` is implied).
    public init(_ patterns: [String]) {
        self.patterns = patterns
        compiled = patterns.map { $0.split(separator: "/").map { Array($0) } }
        compiledASCII = patterns.map { p in
            Self.isPlainASCII(p.utf8) ? p.utf8.split(separator: UInt8(ascii: "/")).map { Array($0) } : nil
        }
        var byFirstName: [String: [Int]] = [:]
        var globFirst: [Int] = []
        for (i, c) in compiled.enumerated() {
            if let first = c.first, !first.contains(where: { "*?[".contains($0) }) {
                byFirstName[String(first), default: []].append(i)
            } else {
                globFirst.append(i)
            }
        }
        self.byFirstName = byFirstName
        self.globFirst = globFirst
    }

    /// Bytes that are each one `Character` and compare as it does: ASCII but NUL and CR (CR LF
    /// is one `Character`).
    static func isPlainASCII(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { $0 != 0 && $0 < 0x80 && $0 != 0x0D }
    }

    /// Every entry (for small archives, or tools that list everything).
    public static let everything = PathInterest(["/**"])
    /// No bytes at all: names and attributes only.
    public static let nothing = PathInterest([])

    /// Does the absolute guest `path` match one of the patterns?
    public func matches(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard Self.isPlainASCII(bytes) else { return matches(characters: path) }
        // Split on bytes too: splitting the `String` was a third of the matching.
        let components = bytes.split(separator: UInt8(ascii: "/"))
        let named = components.first.flatMap { byFirstName[String(decoding: $0, as: UTF8.self)] } ?? []
        guard !named.isEmpty || !globFirst.isEmpty else { return false }
        let matchesOne = { (i: Int) -> Bool in
            if let p = compiledASCII[i] { return Self.match(p[...], components[...]) }
            return Self.match(compiled[i][...], components.map { Array(String(decoding: $0, as: UTF8.self)) }[...])
        }
        return named.contains(where: matchesOne) || globFirst.contains(where: matchesOne)
    }

    /// `matches` on the `Character`s of a path that is not plain ASCII.
    private func matches(characters path: String) -> Bool {
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
    static func match<U: PatternUnit, S: RandomAccessCollection<U>>(_ p: ArraySlice<[U]>, _ s: ArraySlice<S>) -> Bool
    where S.Index == Int {
        guard let first = p.first else { return s.isEmpty }
        if first == U.globstar {
            var rest = s
            while true {
                if match(p.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let name = s.first, component(first, name) else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }

    /// fnmatch-style matching of one component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]` / `[^x]`.
    static func component<U: PatternUnit, S: RandomAccessCollection<U>>(_ p: [U], _ s: S) -> Bool
    where S.Index == Int {
        var pi = 0
        var si = 0
        var star: (p: Int, s: Int)?
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case U.star:
                    star = (pi, si)
                    pi += 1
                    continue
                case U.question:
                    pi += 1
                    si += 1
                    continue
                case U.open:
                    if let (ok, next) = bracket(p, pi, s[s.startIndex + si]) {
                        if ok {
                            pi = next
                            si += 1
                            continue
                        }
                    } else if s[s.startIndex + si] == U.open {
                        pi += 1
                        si += 1
                        continue
                    }
                default:
                    if p[pi] == s[s.startIndex + si] {
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
        while pi < p.count, p[pi] == U.star { pi += 1 }
        return pi == p.count
    }

    /// Whether `c` is in the bracket expression at `p[start]`, and the index after it; nil when
    /// the bracket is not terminated (then `[` is literal).
    static func bracket<U: PatternUnit>(_ p: [U], _ start: Int, _ c: U) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == U.bang || p[i] == U.caret {
            negate = true
            i += 1
        }
        var found = false
        var first = true
        while i < p.count, p[i] != U.close || first {
            first = false
            if i + 2 < p.count, p[i + 1] == U.dash, p[i + 2] != U.close {
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

/// What patterns and paths are matched as: `Character`s in general, bytes when both are plain
/// ASCII (`PathInterest.isPlainASCII`), where each byte is one `Character` and orders as it does.
protocol PatternUnit: Comparable {
    static var star: Self { get }
    static var question: Self { get }
    static var open: Self { get }
    static var close: Self { get }
    static var bang: Self { get }
    static var caret: Self { get }
    static var dash: Self { get }
    /// The `**` component.
    static var globstar: [Self] { get }
}

extension Character: PatternUnit {
    static var star: Character { "*" }
    static var question: Character { "?" }
    static var open: Character { "[" }
    static var close: Character { "]" }
    static var bang: Character { "!" }
    static var caret: Character { "^" }
    static var dash: Character { "-" }
    static var globstar: [Character] { ["*", "*"] }
}

extension UInt8: PatternUnit {
    static var star: UInt8 { UInt8(ascii: "*") }
    static var question: UInt8 { UInt8(ascii: "?") }
    static var open: UInt8 { UInt8(ascii: "[") }
    static var close: UInt8 { UInt8(ascii: "]") }
    static var bang: UInt8 { UInt8(ascii: "!") }
    static var caret: UInt8 { UInt8(ascii: "^") }
    static var dash: UInt8 { UInt8(ascii: "-") }
    static var globstar: [UInt8] { [UInt8(ascii: "*"), UInt8(ascii: "*")] }
}
