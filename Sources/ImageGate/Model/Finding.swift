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
