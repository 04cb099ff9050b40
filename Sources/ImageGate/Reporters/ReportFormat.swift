import Foundation

/// The output formats of `imagegate check --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, junit, sarif, markdown

    /// Renders the reports of every image checked, in the order given. Pure and deterministic.
    public func render(_ reports: [Report], color: Bool = false) throws -> Data {
        switch self {
        case .text: Data(TextReporter(color: color).render(reports).utf8)
        case .json: try JSONReporter.render(reports)
        case .junit: Data(JUnitReporter.render(reports).utf8)
        case .sarif: try SARIFReporter.render(reports)
        case .markdown: Data(MarkdownReporter.render(reports).utf8)
        }
    }
}

extension Finding {
    /// `found` vs `expected` in one short phrase for tables.
    var comparison: String { "found \(found.isEmpty ? "nothing" : found); expected \(expected)" }
}
