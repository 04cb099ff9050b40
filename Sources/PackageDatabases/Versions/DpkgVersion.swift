import BlockIO

/// A Debian package version `[epoch:]upstream[-revision]`, ordered as `dpkg --compare-versions`.
///
/// Debian Policy 5.6.12 "Version" and dpkg's `lib/dpkg/version.c` (`dpkg_version_compare`,
/// `verrevcmp`): epochs compare numerically; upstream and revision compare as alternating runs of
/// non-digits (by `order`: `~` before everything including the end, letters before non-letters)
/// and digits (numerically, leading zeros ignored). Parsing is lenient, as dpkg's comparison is:
/// the epoch is what precedes the first `:` when it is all digits, the revision what follows the
/// last `-`.
public struct DpkgVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The epoch, 0 when absent.
    public let epoch: UInt64
    /// The upstream version.
    public let upstream: String
    /// Empty when the version has no `-`.
    public let revision: String

    /// Parses any string; never fails (an unparsable epoch is kept as part of the upstream part).
    public init(_ string: String) {
        var rest = Substring(string.trimmingASCIIWhitespace())
        var epoch: UInt64 = 0
        // Found as bytes (dpkg splits bytes; a Character search walks grapheme clusters).
        if let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")) {
            let e = rest[..<colon]
            if !e.isEmpty, e.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt64(e) {
                epoch = v
                rest = rest[rest.index(after: colon)...]
            }
        }
        if let dash = rest.utf8.lastIndex(of: UInt8(ascii: "-")) {
            upstream = String(rest[..<dash])
            revision = String(rest[rest.index(after: dash)...])
        } else {
            upstream = String(rest)
            revision = ""
        }
        self.epoch = epoch
    }

    /// The value as written.
    public var description: String {
        (epoch != 0 ? "\(epoch):" : "") + upstream + (revision.isEmpty ? "" : "-\(revision)")
    }

    /// -1, 0 or 1, exactly as `dpkg --compare-versions a lt/eq/gt b` orders them.
    public static func compare(_ a: DpkgVersion, _ b: DpkgVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let u = verrevcmp(Array(a.upstream.utf8), Array(b.upstream.utf8))
        if u != 0 { return u }
        return verrevcmp(Array(a.revision.utf8), Array(b.revision.utf8))
    }

    /// Compares two version strings.
    public static func compare(_ a: String, _ b: String) -> Int { compare(DpkgVersion(a), DpkgVersion(b)) }

    /// A stable order for sorted, deterministic output.
    public static func < (a: DpkgVersion, b: DpkgVersion) -> Bool { compare(a, b) < 0 }
    /// Equal when `compare` says so.
    public static func == (a: DpkgVersion, b: DpkgVersion) -> Bool { compare(a, b) == 0 }
    /// Hashes the epoch only: versions equal by `compare` may be spelled differently (`1.0`, `1.00`).
    public func hash(into h: inout Hasher) { h.combine(epoch) }

    /// The weight of one byte of a non-digit run: `~` lowest (below the end of the string, 0),
    /// letters by code, everything else after all letters.
    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if isDigit(c) { return 0 }
        if isAlpha(c) { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }

    private static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            var firstDiff = 0
            while (i < a.count && !isDigit(a[i])) || (j < b.count && !isDigit(b[j])) {
                let ac = order(i < a.count ? a[i] : nil)
                let bc = order(j < b.count ? b[j] : nil)
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1
                j += 1
            }
            while i < a.count && a[i] == UInt8(ascii: "0") { i += 1 }
            while j < b.count && b[j] == UInt8(ascii: "0") { j += 1 }
            while i < a.count && isDigit(a[i]) && j < b.count && isDigit(b[j]) {
                if firstDiff == 0 { firstDiff = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if i < a.count && isDigit(a[i]) { return 1 }
            if j < b.count && isDigit(b[j]) { return -1 }
            if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
        }
        return 0
    }
}
