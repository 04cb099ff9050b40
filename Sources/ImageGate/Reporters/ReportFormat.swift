import Foundation

/// The output formats of `imagegate check --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, junit, sarif, markdown

    /// Renders the reports of every image checked, in the order given. Pure and deterministic.
    public func render(_ reports: [Report], options: RenderOptions) throws -> Data {
        switch self {
        case .text: Data(TextReporter(color: options.color, quiet: options.quiet).render(reports).utf8)
        case .json: try JSONReporter.render(reports)
        case .junit: Data(JUnitReporter.render(reports).utf8)
        case .sarif:
            try SARIFReporter.render(
                reports, all: options.sarifAll, baseDirectory: options.baseDirectory,
                documentationBase: options.documentationBase)
        case .markdown: Data(MarkdownReporter.render(reports, quiet: options.quiet).utf8)
        }
    }

    /// Renders with default options but for colour.
    public func render(_ reports: [Report], color: Bool = false) throws -> Data {
        try render(reports, options: RenderOptions(color: color))
    }
}
