/// How much a requirement matters: a `must` that fails fails the image; a `should` warns.
public enum Severity: String, Sendable, Codable, CaseIterable {
    case must, should
}

/// The outcome of one requirement on one image.
public enum Status: String, Sendable, Codable, CaseIterable {
    /// Met.
    case pass
    /// A `must` not met: the verdict is fail, exit 1.
    case fail
    /// A `should` not met, or a `must` met only in part; fails only under `--strict`.
    case warn
    /// Cannot be decided from the image, or does not apply; `summary` says which and why.
    case skip
}

/// One requirement's result on one image, as every report format shows it.
public struct Finding: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var status: Status
    public var expected: String
    public var found: String
    /// Guest paths or image structures read to decide.
    public var evidence: [String]
    /// What to do about it; nil when it passed.
    public var remediation: String?
    /// Where the requirement comes from.
    public var reference: String
    /// One sentence explaining the status (the reason for a skip, the branch taken for a pass).
    public var summary: String
    /// The waiver (config or policy file) that matched this failing or warning finding; absent
    /// when none did. A waiver that is not `expired` keeps the finding out of the verdict.
    public var waiver: FindingWaiver?

    public init(
        id: String, title: String, severity: Severity, status: Status, expected: String, found: String,
        evidence: [String], remediation: String?, reference: String, summary: String
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.status = status
        self.expected = expected
        self.found = found
        self.evidence = evidence
        self.remediation = remediation
        self.reference = reference
        self.summary = summary
    }
}

/// How a waiver applied to a finding, as every report shows it.
public struct FindingWaiver: Sendable, Equatable, Codable {
    /// Why the finding is accepted.
    public var reason: String
    /// The last day (UTC, `YYYY-MM-DD`) the waiver holds.
    public var expires: String
    /// Where the waiver is written (`imagegate.yaml:12:9`).
    public var source: String
    /// The expiry date has passed: the finding counts again, and says so.
    public var expired: Bool

    /// Creates a value from its fields.
    public init(reason: String, expires: String, source: String, expired: Bool) {
        self.reason = reason
        self.expires = expires
        self.source = source
        self.expired = expired
    }
}
