/// The numeric part of a kernel release, for "6.12 or later" questions.
///
/// `6.1.0-28-cloud-amd64` is `[6, 1, 0]`, `5.14.0-427.13.1.el9_4.x86_64` is `[5, 14, 0]`,
/// `6.12` is `[6, 12]`; missing trailing components count as 0, so `6.12.0` equals `6.12` and
/// anything after the first non-digit, non-dot character (the distribution's suffix) is ignored.
public struct KernelRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The leading numbers (`[6, 1, 0]`).
    public let components: [Int]
    /// The release as written.
    public let string: String

    /// nil when the release does not start with a number.
    public init?(_ string: String) {
        var parts: [Int] = []
        var current = ""
        for c in string {
            if c.isASCII && c.isNumber {
                current.append(c)
                guard current.count <= 9 else { return nil }
            } else if c == "." && !current.isEmpty {
                if let v = Int(current) { parts.append(v) }
                current = ""
            } else {
                break
            }
        }
        if let v = Int(current), !current.isEmpty { parts.append(v) }
        guard !parts.isEmpty else { return nil }
        components = parts
        self.string = string
    }

    /// The value as written.
    public var description: String { string }

    /// -1, 0 or 1 on the numeric components only.
    public static func compare(_ a: KernelRelease, _ b: KernelRelease) -> Int {
        for k in 0..<max(a.components.count, b.components.count) {
            let x = k < a.components.count ? a.components[k] : 0
            let y = k < b.components.count ? b.components[k] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: KernelRelease, b: KernelRelease) -> Bool { compare(a, b) < 0 }
    /// Equal when `compare` says so.
    public static func == (a: KernelRelease, b: KernelRelease) -> Bool { compare(a, b) == 0 }
    /// Hashes the components without trailing zeros.
    public func hash(into h: inout Hasher) {
        // Equal releases may differ by trailing zeros (`6.12` == `6.12.0`): hash without them.
        var c = components
        while c.last == 0 { c.removeLast() }
        h.combine(c)
    }
}
