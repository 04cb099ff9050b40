/// An apk (Alpine) version `number{.number}[letter]{_suffix[number]}[-rN]`, ordered as
/// `apk version -t`.
///
/// apk-tools follows the Gentoo Package Manager Specification, "Version comparison" (read for its
/// rules, written anew here): the first number compares numerically; a later number compares as
/// a string with trailing zeros removed when either has a leading zero, else numerically; more
/// numbers win; then the letter (none < `a` < `b`); then each suffix by rank, pre-releases
/// `_alpha` < `_beta` < `_pre` < `_rc` < none < apk's post-releases `_cvs` < `_svn` < `_git` <
/// `_hg` < `_p`, with its number (0 when absent); then the revision `-rN` (0 when absent). Text
/// that does not parse as a version compares after every valid one, by its bytes.
public struct ApkVersion: Sendable, Hashable {
    var numbers: [String] = []
    var letter: UInt8?
    var suffixes: [(rank: Int, number: UInt64)] = []
    var revision: UInt64 = 0
    /// False when the text is not a version apk accepts.
    public private(set) var isValid = true
    let text: String

    static let suffixRanks = [
        "alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5,
    ]

    public init(_ text: String) {
        self.text = text
        let b = Array(text.utf8)
        var i = 0
        func digits() -> String? {
            let s = i
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            return i > s ? String(decoding: b[s..<i], as: UTF8.self) : nil
        }
        /// A bounded number: more than 18 digits is not a version apk writes.
        func number(_ s: String) -> UInt64? { s.count <= 18 ? UInt64(s) : nil }
        guard let first = digits() else {
            isValid = false
            return
        }
        numbers.append(first)
        while i + 1 < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard let n = digits() else {
                isValid = false
                return
            }
            numbers.append(n)
        }
        if i < b.count && b[i] >= 0x61 && b[i] <= 0x7A {
            letter = b[i]
            i += 1
        }
        while i < b.count && b[i] == UInt8(ascii: "_") {
            i += 1
            let s = i
            while i < b.count && b[i] >= 0x61 && b[i] <= 0x7A { i += 1 }
            guard let rank = Self.suffixRanks[String(decoding: b[s..<i], as: UTF8.self)] else {
                isValid = false
                return
            }
            let n = digits().map { number($0) } ?? 0
            guard let n else {
                isValid = false
                return
            }
            suffixes.append((rank, n))
        }
        if i + 2 < b.count && b[i] == UInt8(ascii: "-") && b[i + 1] == UInt8(ascii: "r") {
            i += 2
            guard let r = digits().flatMap(number) else {
                isValid = false
                return
            }
            revision = r
        }
        if i != b.count { isValid = false }
    }

    public static func == (a: ApkVersion, b: ApkVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into h: inout Hasher) { h.combine(text) }

    /// -1, 0 or 1.
    public static func compare(_ a: String, _ b: String) -> Int { compare(ApkVersion(a), ApkVersion(b)) }

    /// -1, 0 or 1.
    public static func compare(_ a: ApkVersion, _ b: ApkVersion) -> Int {
        guard a.isValid, b.isValid else {
            if a.isValid != b.isValid { return a.isValid ? -1 : 1 }
            return a.text == b.text ? 0 : (Array(a.text.utf8).lexicographicallyPrecedes(Array(b.text.utf8)) ? -1 : 1)
        }
        for k in 0..<min(a.numbers.count, b.numbers.count) {
            let c = numberOrder(a.numbers[k], b.numbers[k], first: k == 0)
            if c != 0 { return c }
        }
        if a.numbers.count != b.numbers.count { return a.numbers.count > b.numbers.count ? 1 : -1 }
        if a.letter != b.letter { return (a.letter ?? 0) < (b.letter ?? 0) ? -1 : 1 }
        for k in 0..<max(a.suffixes.count, b.suffixes.count) {
            // A missing suffix is the release itself: rank 0.
            let x: (rank: Int, number: UInt64) = k < a.suffixes.count ? a.suffixes[k] : (0, 0)
            let y: (rank: Int, number: UInt64) = k < b.suffixes.count ? b.suffixes[k] : (0, 0)
            if x.rank != y.rank { return x.rank < y.rank ? -1 : 1 }
            if x.number != y.number { return x.number < y.number ? -1 : 1 }
        }
        if a.revision != b.revision { return a.revision < b.revision ? -1 : 1 }
        return 0
    }

    /// PMS: the first number, and any without a leading zero, numerically (as digit strings, so
    /// no length limit); otherwise as strings with trailing zeros removed.
    static func numberOrder(_ x: String, _ y: String, first: Bool) -> Int {
        func strip(_ s: String, leading: Bool) -> [UInt8] {
            var u = Array(s.utf8)
            if leading {
                while u.count > 1 && u.first == 0x30 { u.removeFirst() }
            } else {
                while u.last == 0x30 { u.removeLast() }
            }
            return u
        }
        if first || (!x.hasPrefix("0") && !y.hasPrefix("0")) {
            let a = strip(x, leading: true)
            let b = strip(y, leading: true)
            if a.count != b.count { return a.count < b.count ? -1 : 1 }
            return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        }
        let a = strip(x, leading: false)
        let b = strip(y, leading: false)
        return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
    }
}
