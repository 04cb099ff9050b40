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
    /// Where this repository's files are browsed (`--sarif-docs-url`, e.g.
    /// `https://github.com/ORG/imagegate/blob/v0.1.0/`): each SARIF rule's `helpUri` is then its
    /// own section of the repository's docs (`Requirement.documentation`). nil: the section of
    /// Microsoft's page the requirement comes from, which several requirements share.
    public var documentationBase: String?

    public init(
        color: Bool = false, quiet: Bool = false, sarifAll: Bool = false, baseDirectory: String? = nil,
        documentationBase: String? = nil
    ) {
        self.color = color
        self.quiet = quiet
        self.sarifAll = sarifAll
        self.baseDirectory = baseDirectory
        self.documentationBase = documentationBase
    }
}
