/// Where a fact came from: a guest path (`/var/lib/dpkg/status`), or an image structure or a
/// derived source (`"/boot/vmlinuz-6.1.0-28-cloud-amd64 @0x20E"`, `"package database"`).
///
/// Encoded in JSON as a plain string; a string starting with `/` decodes as a guest path.
public struct Evidence: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// What kind of place `value` names.
    public enum Kind: String, Sendable, Codable {
        /// An absolute guest path.
        case path
        /// An image structure or other non-path source (a byte offset in a file, a package record).
        case structure
    }

    /// Whether `value` is a guest path.
    public let kind: Kind
    /// The path or structure name.
    public let value: String

    /// A guest path.
    public static func path(_ p: String) -> Evidence { Evidence(kind: .path, value: p) }
    /// An image structure, or a non-path source of a fact.
    public static func structure(_ s: String) -> Evidence { Evidence(kind: .structure, value: s) }

    /// Creates a value from its fields.
    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// The value as written.
    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        self.init(kind: s.hasPrefix("/") ? .path : .structure, value: s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: Evidence, b: Evidence) -> Bool { a.value < b.value }
}

/// Something an inspector could not read or decide, recorded instead of throwing.
public struct InspectionProblem: Sendable, Hashable, Codable, Comparable {
    /// The inspector that met it (`os-release`, `dpkg`, `kernels`…).
    public var inspector: String
    /// What was wrong, in words (`"/etc/os-release: binary content (NUL byte at 12)"`).
    public var reason: String
    /// The paths or structures that show it.
    public var evidence: [Evidence]

    /// Creates a value from its fields.
    public init(inspector: String, reason: String, evidence: [Evidence] = []) {
        self.inspector = inspector
        self.reason = reason
        self.evidence = evidence
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: InspectionProblem, b: InspectionProblem) -> Bool {
        (a.inspector, a.reason) < (b.inspector, b.reason)
    }
}
