import BlockIO

/// The sysctl settings applied at boot (sysctl.d(5)), for `rp-filter` and policy `sysctl` rules.
public struct SysctlInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "sysctl"
    /// The most drop-ins read per folder (a real image has a dozen).
    static let maximumFiles = 1024

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(SysctlFacts.directories.map { $0 + "/*.conf" } + [SysctlFacts.legacyFile])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// No later inspector reads the sysctl settings: it runs beside them (`GuestInspector`).
    public var runsBesideLaterOnes: Bool { true }

    public func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts) {
        facts.sysctl = result.sysctl
    }

    /// Reads every sysctl file of `tree` in the order systemd-sysctl applies them.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var out = SysctlFacts()
        let dropIns = try tree.mergedFiles(SysctlFacts.directories, pattern: "*.conf", maximum: Self.maximumFiles)
        for path in dropIns + [SysctlFacts.legacyFile] {
            do {
                guard let f = try tree.text(path) else { continue }
                out.files.append(.path(path))
                out.assignments += Self.assignments(f.text, path: path)
            } catch let e as ImageError {
                out.problems.append(e.detail)
            }
        }
        facts.sysctl = out
    }

    /// The `key = value` lines of one file; `#` and `;` start comments, lines without `=` are ignored
    /// (systemd-sysctl logs and skips them).
    static func assignments(_ text: String, path: String) -> [SysctlAssignment] {
        var out: [SysctlAssignment] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingASCIIWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else {
                continue
            }
            let key = String(line[..<eq]).trimmingASCIIWhitespace()
            guard !key.isEmpty else { continue }
            let value = String(line[line.index(after: eq)...]).trimmingASCIIWhitespace()
            out.append(
                SysctlAssignment(
                    key: SysctlAssignment.normalizedKey(key), value: value, evidence: .path(path), line: n + 1))
        }
        return out
    }
}
