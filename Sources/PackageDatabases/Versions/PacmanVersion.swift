/// A pacman version `[epoch:]pkgver[-pkgrel]`, ordered as `vercmp` (libalpm's `alpm_pkg_vercmp`).
///
/// libalpm `lib/libalpm/version.c` (read for its rules, written anew here): the epoch (0 when
/// absent) first, then the version, then the release only when both have one. Each part is
/// compared as alternating digit and letter segments split at other characters; unlike rpm, a
/// longer run of separators is newer (`1.0.1` < `1.0..1`), and a remaining letter segment never
/// beats the end of the string (`1.0a` < `1.0` < `1.0.1`).
public enum PacmanVersion {
    /// -1, 0 or 1 as `vercmp a b` prints.
    public static func compare(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        let x = split(a)
        let y = split(b)
        let e = segments(x.epoch, y.epoch)
        if e != 0 { return e }
        let v = segments(x.version, y.version)
        if v != 0 { return v }
        if let r1 = x.release, let r2 = y.release { return segments(r1, r2) }
        return 0
    }

    /// libalpm's `parseEVR`: digits before a `:` are the epoch ("0" when none or empty), the text
    /// after the last `-` the release.
    static func split(_ s: String) -> (epoch: String, version: String, release: String?) {
        var rest = Substring(s)
        var epoch = "0"
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if rest.dropFirst(digits.count).first == ":" {
            if !digits.isEmpty { epoch = String(digits) }
            rest = rest.dropFirst(digits.count + 1)
        }
        var release: String?
        if let dash = rest.lastIndex(of: "-") {
            release = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        return (epoch, String(rest), release)
    }

    /// libalpm's `rpmvercmp` on one part.
    static func segments(_ sa: String, _ sb: String) -> Int {
        if sa == sb { return 0 }
        let a = Array(sa.utf8)
        let b = Array(sb.utf8)
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func alpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        func alnum(_ c: UInt8) -> Bool { digit(c) || alpha(c) }
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            let si = i
            let sj = j
            while i < a.count && !alnum(a[i]) { i += 1 }
            while j < b.count && !alnum(b[j]) { j += 1 }
            if i >= a.count || j >= b.count { break }
            if i - si != j - sj { return i - si < j - sj ? -1 : 1 }
            let numeric = digit(a[i])
            var ei = i
            while ei < a.count && (numeric ? digit(a[ei]) : alpha(a[ei])) { ei += 1 }
            var ej = j
            while ej < b.count && (numeric ? digit(b[ej]) : alpha(b[ej])) { ej += 1 }
            if ej == j { return numeric ? 1 : -1 }
            var x = a[i..<ei]
            var y = b[j..<ej]
            i = ei
            j = ej
            if numeric {
                while x.first == 0x30 { x = x.dropFirst() }
                while y.first == 0x30 { y = y.dropFirst() }
                if x.count != y.count { return x.count > y.count ? 1 : -1 }
            }
            if x != y { return x.lexicographicallyPrecedes(y) ? -1 : 1 }
        }
        if i >= a.count && j >= b.count { return 0 }
        // A remaining letter segment never beats the end of the other string.
        if (i >= a.count && !alpha(b[j])) || (i < a.count && alpha(a[i])) { return -1 }
        return 1
    }
}
