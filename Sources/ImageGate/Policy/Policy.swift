import Foundation

/// A user policy file (`--policy FILE`): requirements written in YAML, judged like the built-in
/// ones, and waivers. The format is in README "Policy files" and `schema/policy.schema.json`.
public struct Policy: Sendable {
    /// The file it was read from, as given (findings name it as their reference).
    public var file: String
    /// `name:` in the file, when given.
    public var name: String?
    public var rules: [PolicyRule]
    public var waivers: [Waiver]

    /// Creates a value from its fields.
    public init(file: String, name: String? = nil, rules: [PolicyRule] = [], waivers: [Waiver] = []) {
        self.file = file
        self.name = name
        self.rules = rules
        self.waivers = waivers
    }
}

/// Where in a policy or config file a value is written, for usage errors.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// From 1.
    public var line: Int
    /// From 1.
    public var column: Int

    /// Creates a value from its fields.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `policy.yaml:7:5`; just the file when the error is about the whole file (line 0).
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// One requirement of a policy file.
public struct PolicyRule: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var remediation: String
    /// `reference:` when given; else the policy file names the source.
    public var reference: String?
    public var check: PolicyCheck
    /// Where its `id` is written (duplicate and collision errors point there).
    public var location: SourceLocation

    /// Creates a value from its fields.
    public init(
        id: String, title: String, severity: Severity, remediation: String, reference: String? = nil,
        check: PolicyCheck,
        location: SourceLocation
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.remediation = remediation
        self.reference = reference
        self.check = check
        self.location = location
    }
}

/// What a policy rule checks; each case is one rule kind of the file format.
public enum PolicyCheck: Sendable, Hashable {
    /// `package: {name, atLeast | below | absent}`: at least / below a version (both may be
    /// given for a range), or not installed.
    case package(name: String, atLeast: String?, below: String?, absent: Bool)
    /// `file: {path, exists | absent | contains | notContains | mode | owner}`.
    case file(FileCheck)
    /// `module: {name, config}`: present for every bootable kernel, as `drivers` decides.
    case module(name: String, config: [String])
    /// `unit: {name, enabled | disabled | masked}`.
    case unit(name: String, state: UnitState)
    /// `sysctl: {key, equals}`: the effective value after sysctl.d.
    case sysctl(key: String, equals: String)
    /// `kernelCmdline: {contains | notContains}` on the default boot entry: each item a
    /// parameter, `key=value` matching that exact word, a bare `key` also any `key=…`.
    case kernelCmdline(contains: [String], notContains: [String])

    /// The state a `unit` rule asks for.
    public enum UnitState: String, Sendable, Hashable, CaseIterable {
        case enabled, disabled, masked
    }
}

/// The `file` rule's checks; every one given must hold.
public struct FileCheck: Sendable, Hashable {
    public var path: String
    /// `absent: true`: nothing at the path (no other check then).
    public var absent: Bool
    /// Regular expressions that must match / must not match the content.
    public var contains: [String]
    public var notContains: [String]
    /// Exact permission bits, four octal digits (`0640`).
    public var mode: String?
    /// `user`, `user:group` or `:group`, names or numbers.
    public var owner: String?

    /// Creates a value from its fields.
    public init(
        path: String, absent: Bool = false, contains: [String] = [], notContains: [String] = [], mode: String? = nil,
        owner: String? = nil
    ) {
        self.path = path
        self.absent = absent
        self.contains = contains
        self.notContains = notContains
        self.mode = mode
        self.owner = owner
    }

    /// The user and group parts of `owner`, each nil when not asked.
    public var ownerParts: (user: String?, group: String?) {
        guard let owner else { return (nil, nil) }
        let parts = owner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let user = parts[0].isEmpty ? nil : parts[0]
        let group = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
        return (user, group)
    }
}

/// A waiver (config file or policy file): a failing or warning finding `id` on images matching
/// `images` is reported as waived, with `reason`, through `expires` (a date, UTC; from the next
/// day on it no longer applies, and the finding says so).
public struct Waiver: Sendable, Hashable {
    public var id: String
    /// A glob on the image path as reported (`*` any characters, `/` included); `*` by default.
    public var images: String
    public var reason: String
    /// `YYYY-MM-DD` as written.
    public var expires: String
    /// Where it is written.
    public var location: SourceLocation

    /// Creates a value from its fields.
    public init(id: String, images: String = "*", reason: String, expires: String, location: SourceLocation) {
        self.id = id
        self.images = images
        self.reason = reason
        self.expires = expires
        self.location = location
    }
}

/// A malformed policy or config file: a usage error (exit 64) naming file, line, column and field.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    /// The field's path (`requirements[2].file.mode`).
    public var field: String
    public var message: String

    /// Creates a value from its fields.
    public init(_ location: SourceLocation, field: String, _ message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    /// `policy.yaml:7:5: requirements[2].file.mode: expected 3 or 4 octal digits, got "64x"`.
    public var description: String { "\(location): \(field.isEmpty ? "" : field + ": ")\(message)" }
}
