import BlockIO

/// An rpm `[epoch:]version[-release]`, ordered as rpm orders packages.
///
/// rpm's `rpmio/rpmvercmp.c` (`rpmvercmp`) and `rpmio/rpmver.c` (`rpmverCmp`): the epoch (0 when
/// absent) first, then the version, then the release (a version with one ranks above one without). Each part is split
/// into segments of digits or of letters; other characters only separate, except `~` (sorts before
/// anything, even the end) and `^` (sorts after the end but before anything else). Digits compare
/// numerically and beat letters.
public struct RPMVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The epoch as written, nil when absent (compares as 0).
    public let epoch: String?
    /// VERSION.
    public let version: String
    /// RELEASE, nil when absent.
    public let release: String?

    /// Parses `[epoch:]version[-release]` as `rpmverParse` does (epoch before the first `:` when
    /// all digits, release after the last `-`).
    public init(_ string: String) {
        var rest = Substring(string.trimmingASCIIWhitespace())
        var epoch: String?
        if let colon = rest.firstIndex(of: ":") {
            let e = rest[..<colon]
            if e.allSatisfy({ $0.isASCII && $0.isNumber }) {
                epoch = e.isEmpty ? nil : String(e)
                rest = rest[rest.index(after: colon)...]
            }
        }
        if let dash = rest.lastIndex(of: "-") {
            version = String(rest[..<dash])
            release = String(rest[rest.index(after: dash)...])
        } else {
            version = String(rest)
            release = nil
        }
        self.epoch = epoch
    }

    /// Creates a value from its fields.
    public init(epoch: Int?, version: String, release: String?) {
        self.epoch = epoch.map(String.init)
        self.version = version
        self.release = release
    }

    /// The value as written.
    public var description: String {
        (epoch.map { "\($0):" } ?? "") + version + (release.map { "-\($0)" } ?? "")
    }

    /// -1, 0 or 1, as `rpm.vercmp(a, b)` (rpm ≥ 4.16) answers.
    public static func compare(_ a: RPMVersion, _ b: RPMVersion) -> Int {
        var rc = vercmp(a.epoch ?? "0", b.epoch ?? "0")
        if rc == 0 {
            rc = vercmp(a.version, b.version)
            if rc == 0 {
                // rpm 4.18's `rpm.vercmp` ranks a version with a release (even an empty one)
                // above the same version without: checked against rpm in VersionTable.swift.
                switch (a.release, b.release) {
                case (let ra?, let rb?): rc = vercmp(ra, rb)
                case (.some, nil): rc = 1
                case (nil, .some): rc = -1
                case (nil, nil): rc = 0
                }
            }
        }
        return rc
    }

    /// Compares two EVR strings.
    public static func compare(_ a: String, _ b: String) -> Int { compare(RPMVersion(a), RPMVersion(b)) }

    /// A stable order for sorted, deterministic output.
    public static func < (a: RPMVersion, b: RPMVersion) -> Bool { compare(a, b) < 0 }
    /// Equal when `compare` says so.
    public static func == (a: RPMVersion, b: RPMVersion) -> Bool { compare(a, b) == 0 }
    /// Hashes the numeric epoch only: versions equal by `compare` may be spelled differently (`1.0`, `1_0`).
    public func hash(into h: inout Hasher) { h.combine(UInt64(epoch ?? "0") ?? 0) }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private static let tilde = UInt8(ascii: "~")
    private static let caret = UInt8(ascii: "^")

    /// `rpmvercmp`: one version or release string against another.
    public static func vercmp(_ sa: String, _ sb: String) -> Int {
        if sa == sb { return 0 }
        let a = Array(sa.utf8)
        let b = Array(sb.utf8)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            while i < a.count && !isDigit(a[i]) && !isAlpha(a[i]) && a[i] != tilde && a[i] != caret { i += 1 }
            while j < b.count && !isDigit(b[j]) && !isAlpha(b[j]) && b[j] != tilde && b[j] != caret { j += 1 }
            if (i < a.count ? a[i] : 0) == tilde || (j < b.count ? b[j] : 0) == tilde {
                if (i < a.count ? a[i] : 0) != tilde { return 1 }
                if (j < b.count ? b[j] : 0) != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            if (i < a.count ? a[i] : 0) == caret || (j < b.count ? b[j] : 0) == caret {
                if i >= a.count { return -1 }
                if j >= b.count { return 1 }
                if a[i] != caret { return 1 }
                if b[j] != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            if !(i < a.count && j < b.count) { break }
            let numeric = isDigit(a[i])
            var ei = i
            while ei < a.count && (numeric ? isDigit(a[ei]) : isAlpha(a[ei])) { ei += 1 }
            var ej = j
            while ej < b.count && (numeric ? isDigit(b[ej]) : isAlpha(b[ej])) { ej += 1 }
            if ej == j { return numeric ? 1 : -1 }
            var segA = a[i..<ei]
            var segB = b[j..<ej]
            i = ei
            j = ej
            if numeric {
                while segA.first == UInt8(ascii: "0") { segA = segA.dropFirst() }
                while segB.first == UInt8(ascii: "0") { segB = segB.dropFirst() }
                if segA.count != segB.count { return segA.count > segB.count ? 1 : -1 }
            }
            if segA != segB { return segA.lexicographicallyPrecedes(segB) ? -1 : 1 }
        }
        if i >= a.count && j >= b.count { return 0 }
        return i < a.count ? 1 : -1
    }
}
