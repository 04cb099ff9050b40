import ArgumentParser
import Foundation
import ImageGate

/// The exit codes of DESIGN.md.
enum ExitStatus {
    static let passed: Int32 = 0
    static let failed: Int32 = 1
    static let unreadable: Int32 = 2
    static let usage: Int32 = 64
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Prints the `--stats` line, exactly `stats: <bytes> bytes in <reads> reads, <seconds> s`, and
/// for images behind URLs a second one, exactly
/// `stats: http: <requests> requests, <round trips> round trips, <bytes> bytes transferred, <retries> retries`
/// (counts only: no URL, whose query may be a secret).
func printStats(bytes: UInt64, reads: UInt64, transfer: TransferStats? = nil, since start: ContinuousClock.Instant) {
    let d = ContinuousClock.now - start
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    printError("stats: \(bytes) bytes in \(reads) reads, \(String(format: "%.3f", seconds)) s")
    if let t = transfer {
        printError(
            "stats: http: \(t.requests) requests, \(t.roundTrips) round trips, \(t.bytes) bytes transferred, \(t.retries) retries"
        )
    }
}

/// Runs `body` on an opened image, printing `imagegate: error: …` and exiting 2 when the image
/// cannot be read, and the `--stats` line when asked.
func withImage<T>(_ path: String, _ options: ImageOptions, _ body: (OpenedImage) throws -> T) throws -> T {
    let start = ContinuousClock.now
    var image: OpenedImage?
    defer {
        if options.stats {
            printStats(bytes: image?.bytesRead ?? 0, reads: image?.reads ?? 0, transfer: image?.transfer, since: start)
        }
    }
    do {
        let g = try ImageGate.openImage(path, options: options.openOptions)
        image = g
        return try body(g)
    } catch let e as ImageError {
        printError("imagegate: error: \(e.description)")
        throw ExitCode(ExitStatus.unreadable)
    }
}
