/// How reports are rendered; every field has the default a library caller most likely wants.
public struct RenderOptions: Sendable, Equatable {
    /// ANSI colour in the text format.
    public var color: Bool
    /// Text and Markdown show only the verdict and what fails it (`--quiet`); the machine formats
    /// (JSON, JUnit, SARIF) stay complete, since tools read them.
    public var quiet: Bool
    /// SARIF lists every status as a result (`--sarif-all`); by default only `fail` and `warn`
    /// become results, as code scanning turns every result into an alert.
    public var sarifAll: Bool
    /// The folder SARIF artifact locations are relative to (`%SRCROOT%`, normally the working
    /// directory). nil: relative image paths stay relative and absolute ones become `file://` URIs.
    public var baseDirectory: String?

    public init(color: Bool = false, quiet: Bool = false, sarifAll: Bool = false, baseDirectory: String? = nil) {
        self.color = color
        self.quiet = quiet
        self.sarifAll = sarifAll
        self.baseDirectory = baseDirectory
    }
}
