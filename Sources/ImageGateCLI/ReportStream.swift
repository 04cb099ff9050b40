import Foundation
import ImageGate
import Synchronization

/// Where the reports of a run go, as images finish in whatever order the job slots end them:
///
/// - `json`: one line per image the moment it finishes (JSON Lines; in a pile each carries its
///   input `index`, so a reader sorts them back and a killed run keeps every line written);
/// - `text`: each image in input order as soon as every image before it is written, then, for a
///   pile, the summary;
/// - `markdown`, `junit`, `sarif`: whole documents, written at the end (Markdown with the
///   summary tables for a pile).
///
/// An unreadable image also gets its one `imagegate: error:` line on stderr, when it finishes.
final class ReportStream: Sendable {
    private struct State {
        var waiting: [Int: Report] = [:]
        var nextToWrite = 0
        var kept: [(position: Int, report: Report)] = []
        var summary = PileSummary()
        var worst: Int32 = 0
        var bytesRead: UInt64 = 0
        var reads: UInt64 = 0
        /// Summed over the remote images (nil while there was none).
        var transfer: TransferStats?
    }

    let format: ReportFormat
    let options: RenderOptions
    let isPile: Bool
    let output: FileHandle
    let progress: ProgressLine?
    /// `--severity`: the severities shown (nil: all); the verdict and exit code follow what is shown.
    let severities: Set<Severity>?
    private let state = Mutex(State())

    init(
        format: ReportFormat, options: RenderOptions, isPile: Bool, output: FileHandle, progress: ProgressLine?,
        severities: Set<Severity>? = nil
    ) {
        self.format = format
        self.options = options
        self.isPile = isPile
        self.output = output
        self.progress = progress
        self.severities = severities
    }

    /// The report of the image at `position` in this run's entries (0-based, after sharding).
    func deliver(_ position: Int, _ checked: Report, bytesRead: UInt64, reads: UInt64, transfer: TransferStats? = nil)
        throws
    {
        let report = severities.map { checked.showing(severities: $0) } ?? checked
        if report.verdict == .error { writeError(Self.errorLine(report)) }
        try state.withLock { s in
            s.summary.add(report)
            s.worst = max(s.worst, report.exitCode)
            s.bytesRead += bytesRead
            s.reads += reads
            if let transfer { s.transfer = (s.transfer ?? TransferStats()).adding(transfer) }
            switch format {
            case .json:
                try write(try format.render([report], options: options))
            case .text:
                s.waiting[position] = report
                while let next = s.waiting.removeValue(forKey: s.nextToWrite) {
                    try write(try format.render([next], options: options))
                    s.nextToWrite += 1
                }
            case .markdown, .junit, .sarif:
                s.kept.append((position, report))
            }
        }
        progress?.finished(position, report)
    }

    /// Writes what only the whole run gives; returns the exit code the run asks for and what
    /// was read, for `--stats`.
    func finish() throws -> (exitCode: Int32, bytesRead: UInt64, reads: UInt64, transfer: TransferStats?) {
        progress?.finish()
        return try state.withLock { s in
            let inOrder = s.kept.sorted { $0.position < $1.position }.map(\.report)
            switch format {
            case .json: break
            case .text: if isPile { try write(Data(s.summary.text.utf8)) }
            case .markdown:
                var data = try format.render(inOrder, options: options)
                if isPile { data.append(Data(s.summary.markdown.utf8)) }
                try write(data)
            case .junit, .sarif:
                try write(try format.render(inOrder, options: options))
            }
            return (s.worst, s.bytesRead, s.reads, s.transfer)
        }
    }

    /// The one stderr line of an unreadable image.
    static func errorLine(_ r: Report) -> String {
        // The layer named once (`Failure.line`), the image without a URL's query (a secret), and
        // named once too: an http error already ends with the URL it was about.
        let message = r.error?.line ?? "unreadable image"
        let shown = ImageGate.shownPath(r.image.path)
        return message.contains("(\(shown))")
            ? "imagegate: error: \(message)" : "imagegate: error: \(message) (\(shown))"
    }

    private func writeError(_ line: String) {
        if let progress { progress.write(line + "\n") } else { printError(line) }
    }

    private func write(_ data: Data) throws {
        var failure: (any Error)?
        let body = {
            do { try self.output.write(contentsOf: data) } catch { failure = error }
        }
        if let progress { progress.around(body) } else { body() }
        // A reader that went away (`check … | head`) ends the run as SIGPIPE would have, had the
        // pile not ignored it for its worker pipes.
        if failure != nil {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
    }
}
