import ArgumentParser
import Foundation
import ImageGate

extension ColorChoice: ExpressibleByArgument {}

/// `--severity must,should`: the severities a report shows.
struct SeverityList: ExpressibleByArgument, Sendable {
    var severities: Set<Severity>

    init?(argument: String) {
        var set = Set<Severity>()
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let s = Severity(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            set.insert(s)
        }
        severities = set
    }

    static var allValueStrings: [String] { Severity.allCases.map(\.rawValue) }
}

/// How `check` renders its reports (beside `--format` and `--output`).
struct ReportingOptions: ParsableArguments {
    @Flag(
        help:
            "SARIF: list every requirement as a result (pass and skip too); by default only fail and warn, as code scanning makes every result an alert."
    )
    var sarifAll = false

    @Flag(
        name: .shortAndLong,
        help:
            "Text and Markdown: show only each image's verdict and the findings that fail it (JSON, JUnit and SARIF stay complete)."
    )
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "Colour the text format: auto (a terminal, and NO_COLOR unset or empty), always, never.", valueName: "WHEN")
    )
    var color: ColorChoice = .auto

    @Option(
        help: ArgumentHelp(
            "Show only the findings of these severities (comma-separated: must, should), in every format; the verdict and the exit code count only what is shown.",
            valueName: "LIST"))
    var severity: SeverityList?

    @Option(
        help: ArgumentHelp(
            "SARIF: the URL this repository's files are browsed at (for example https://github.com/ORG/imagegate/blob/v0.1.0/); each rule's helpUri becomes its own heading in the repository's docs instead of the Microsoft section it comes from.",
            valueName: "URL"))
    var sarifDocsURL: String?

    func validate() throws {
        if let sarifDocsURL,
            !(sarifDocsURL.hasPrefix("https://") || sarifDocsURL.hasPrefix("http://")) || sarifDocsURL.contains("?")
        {
            throw ValidationError(
                "--sarif-docs-url must be an http(s) URL without a query (SARIF's helpUri is absolute)")
        }
    }

    /// The render options for output going to standard output (`toTerminal`) or a file.
    func renderOptions(format: ReportFormat, toTerminal: Bool) -> RenderOptions {
        RenderOptions(
            color: format == .text
                && color.enabled(
                    toTerminal: toTerminal && isatty(1) != 0, environment: processEnvironment),
            quiet: quiet, sarifAll: sarifAll, baseDirectory: FileManager.default.currentDirectoryPath,
            documentationBase: sarifDocsURL)
    }
}
