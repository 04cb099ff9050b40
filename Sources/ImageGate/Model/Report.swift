/// The result of checking one image against a profile: the JSON object of DESIGN.md.
public struct Report: Sendable, Equatable, Codable {
    public struct Tool: Sendable, Equatable, Codable {
        public var name = "imagegate"
        public var version = ImageGate.version
    }

    public struct Image: Sendable, Equatable, Codable {
        public var path: String
        public var format: String?
        public var virtualSize: UInt64?
        public init(path: String, format: String? = nil, virtualSize: UInt64? = nil) {
            self.path = path
            self.format = format
            self.virtualSize = virtualSize
        }
    }

    /// The image could not be read (verdict `error`, exit 2).
    public struct Failure: Sendable, Equatable, Codable {
        public var layer: String
        /// `ImageError.description`: `<layer>: <what> at byte <offset>` (the layer is part of it).
        public var message: String
        public init(layer: String, message: String) {
            self.layer = layer
            self.message = message
        }

        /// The message with its layer named once: a message that already starts with `<layer>: `
        /// is shown as it is, so no format prints `qcow2: qcow2: …`.
        public var line: String { message.hasPrefix(layer + ":") ? message : "\(layer): \(message)" }
    }

    /// `pass`, `fail` or `error`.
    public enum Verdict: String, Sendable, Codable { case pass, fail, error }

    public var schemaVersion = 1
    public var tool = Tool()
    public var image: Image
    public var profile: String?
    public var verdict: Verdict
    public var requirements: [Finding]?
    public var facts: JSONValue?
    public var error: Failure?
    /// The image's 0-based position in the input of a pile (arguments first, then `--from` lines),
    /// so JSON Lines written as images finish, or merged from shards, sort back into input order.
    /// Absent when a single image is checked.
    public var index: Int?
    /// `true` when the verdict counted warnings as failures (`--strict`); absent otherwise.
    public var strict: Bool?

    /// A report of findings; the verdict is `fail` when a finding failed, or warned under `strict`.
    public init(image: Image, profile: String, findings: [Finding], facts: JSONValue?, strict: Bool) {
        self.image = image
        self.profile = profile
        self.requirements = findings
        self.facts = facts
        self.strict = strict ? true : nil
        verdict = findings.contains { Self.fails($0, strict: strict) } ? .fail : .pass
    }

    /// Whether a finding fails the verdict: a `fail`, or a `warn` under `strict`, that no
    /// unexpired waiver accepts.
    static func fails(_ f: Finding, strict: Bool) -> Bool {
        (f.status == .fail || (strict && f.status == .warn)) && !(f.waiver.map { !$0.expired } ?? false)
    }

    /// Whether `f` (one of this report's findings) fails the verdict; JUnit counts these as failures
    /// so its `failures` attribute agrees with the exit code.
    public func fails(_ f: Finding) -> Bool { Self.fails(f, strict: strict == true) }

    /// The report of an image that could not be read.
    public init(image: Image, error: Failure) {
        self.image = image
        self.verdict = .error
        self.error = error
    }

    /// The one line an unreadable image prints on standard error, whatever the format:
    /// `imagegate: error: <layer>: <what> at byte <offset> (<path>)`; nil when the image was read.
    public var errorLine: String? {
        error.map { "imagegate: error: \($0.line) (\(image.path))" }
    }

    /// The process exit code this report asks for: 0 pass, 1 fail, 2 error.
    public var exitCode: Int32 {
        switch verdict {
        case .pass: 0
        case .fail: 1
        case .error: 2
        }
    }

    /// Counts per status, in a fixed order, for summaries.
    public var counts: [(Status, Int)] {
        Status.allCases.map { s in (s, requirements?.filter { $0.status == s }.count ?? 0) }
    }
}
