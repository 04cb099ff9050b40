import ArgumentParser
import Foundation
import ImageGate

/// How `check` renders its reports (beside `--format` and `--output`).
struct ReportingOptions: ParsableArguments {
    @Flag(help: "SARIF: list every requirement as a result (pass and skip too); by default only fail and warn, as code scanning makes every result an alert.")
    var sarifAll = false

    /// The render options for output going to standard output (`toTerminal`) or a file.
    func renderOptions(format: ReportFormat, toTerminal: Bool) -> RenderOptions {
        RenderOptions(
            color: format == .text && toTerminal && isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
            sarifAll: sarifAll, baseDirectory: FileManager.default.currentDirectoryPath)
    }
}
