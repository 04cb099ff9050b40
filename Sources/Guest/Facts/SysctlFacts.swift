/// Kernel parameters that systemd-sysctl sets at boot, read as sysctl.d(5) orders them.
///
/// Files named `*.conf` in `directories` are merged by file name (a name in an earlier folder
/// shadows the same name in later ones) and applied sorted by name; `/etc/sysctl.conf` comes last.
/// Later assignments win; an assignment whose key holds a glob (`net.ipv4.conf.*.rp_filter`)
/// counts for every key it matches.
public struct SysctlFacts: Sendable, Hashable, Codable {
    /// The drop-in folders, highest priority first (`/run` is never in an image but is read when present).
    public static let directories = [
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
    ]
    /// The traditional file, applied after the drop-ins.
    public static let legacyFile = "/etc/sysctl.conf"

    /// Every file read, in the order applied.
    public var files: [Evidence]
    /// Every assignment, in the order applied.
    public var assignments: [SysctlAssignment]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `SysctlInspector`.
    public init(files: [Evidence] = [], assignments: [SysctlAssignment] = [], problems: [String] = []) {
        self.files = files
        self.assignments = assignments
        self.problems = problems
    }

    /// The assignment that decides `key` (dotted form), nil when none does (the kernel default holds).
    public func effective(_ key: String) -> SysctlAssignment? {
        let wanted = SysctlAssignment.normalizedKey(key)
        return assignments.last { $0.matches(wanted) }
    }
}

/// One `key = value` line of a sysctl configuration file.
public struct SysctlAssignment: Sendable, Hashable, Codable {
    /// The key in dotted form (`net.ipv4.conf.all.rp_filter`); may hold `*` or `?`.
    public var key: String
    /// The value as written, surrounding blanks dropped.
    public var value: String
    /// The file.
    public var evidence: Evidence
    /// The line in it, from 1.
    public var line: Int

    /// Creates a value from its fields.
    public init(key: String, value: String, evidence: Evidence, line: Int) {
        self.key = key
        self.value = value
        self.evidence = evidence
        self.line = line
    }

    /// Where it is written (`/etc/sysctl.d/99-x.conf:3`).
    public var location: String { "\(evidence.value):\(line)" }

    /// True when this assignment sets `key` (already normalized): equal, or matched by its glob.
    public func matches(_ normalized: String) -> Bool {
        key == normalized || ((key.contains("*") || key.contains("?")) && GuestInterest.glob(key, normalized))
    }

    /// sysctl.d(5): a key may use `/` as separator; when its first separator is `/`, slashes are
    /// dots and dots are slashes (`net/ipv4/conf/eth0.100/rp_filter` is `net.ipv4.conf.eth0/100.rp_filter`).
    /// A leading `-` (ignore a failure to set it) is not part of the key.
    public static func normalizedKey(_ raw: String) -> String {
        var key = Substring(raw)
        if key.hasPrefix("-") { key = key.dropFirst() }
        guard let first = key.first(where: { $0 == "." || $0 == "/" }), first == "/" else { return String(key) }
        return String(key.map { $0 == "/" ? "." : $0 == "." ? "/" : $0 })
    }
}
