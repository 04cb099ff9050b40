import Foundation
import ImageGate
import Synchronization

/// Progress of a pile on standard error: on a terminal one live line (done/total, the image
/// checked longest, elapsed, ETA) redrawn every second and erased at the end; with `--progress`
/// and no terminal one line per finished image. Every other write to stderr during the run goes
/// through `write` so it never lands in the middle of the live line.
final class ProgressLine: Sendable {
    enum Mode { case live, lines }

    private struct State {
        var done = 0
        var running: [Int: (name: String, since: ContinuousClock.Instant)] = [:]
        var shown = false
        var stopped = false
    }

    let mode: Mode
    let total: Int
    private let start = ContinuousClock.now
    private let state = Mutex(State())

    init(mode: Mode, total: Int) {
        self.mode = mode
        self.total = total
        guard mode == .live else { return }
        // Elapsed time and ETA move while a slow image holds every slot: redraw each second.
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                guard !state.withLock({ $0.stopped }) else { return }
                redraw()
            }
        }
    }

    /// Shows the image as every report does (`ImageGate.shownPath`: a URL without its query).
    func started(_ position: Int, _ path: String) {
        state.withLock { $0.running[position] = (ImageGate.shownPath(path), .now) }
        if mode == .live { redraw() }
    }

    func finished(_ position: Int, _ report: Report) {
        let (done, took) = state.withLock { s -> (Int, Duration) in
            s.done += 1
            let since = s.running.removeValue(forKey: position)?.since ?? .now
            return (s.done, since.duration(to: .now))
        }
        switch mode {
        case .live: redraw()
        case .lines:
            write(
                "imagegate: [\(done)/\(total)] \(report.verdict.rawValue) \(ImageGate.shownPath(report.image.path)) (\(Self.clock(took, tenths: true)))\n"
            )
        }
    }

    /// Writes `text` to stderr, taking the live line away first and putting it back after.
    func write(_ text: String) {
        around { FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Runs `body` (a write to stderr, or to stdout on the same terminal) with the live line erased.
    func around(_ body: () -> Void) {
        state.withLock { s in
            if s.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            body()
            if s.shown { FileHandle.standardError.write(Data(line(s).utf8)) }
        }
    }

    /// Erases the live line for good.
    func finish() {
        state.withLock { s in
            s.stopped = true
            if s.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            s.shown = false
        }
    }

    private func redraw() {
        state.withLock { s in
            guard !s.stopped else { return }
            s.shown = true
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line(s)).utf8))
        }
    }

    private func line(_ s: State) -> String {
        let elapsed = start.duration(to: .now)
        var text = "imagegate: \(s.done)/\(total) checked, \(Self.clock(elapsed)) elapsed"
        if s.done > 0 && s.done < total {
            text += ", ETA \(Self.clock(elapsed / s.done * (total - s.done)))"
        }
        if let oldest = s.running.values.min(by: { $0.since < $1.since }) { text += ", checking \(oldest.name)" }
        // Longer than the terminal, the line would wrap and `\r` could no longer erase it.
        let width = processEnvironment["COLUMNS"].flatMap(Int.init) ?? 80
        return text.count < width ? text : String(text.prefix(max(10, width - 2))) + "…"
    }

    /// `m:ss`, or `1.2 s` for short spans.
    static func clock(_ d: Duration, tenths: Bool = false) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        if tenths && seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
