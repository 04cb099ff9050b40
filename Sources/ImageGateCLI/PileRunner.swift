import Foundation
import ImageGate
import Synchronization

/// Runs the entries of a check over `jobs` slots. Each slot is a thread that takes the next
/// entry, checks it (in a worker process of its own for a pile, in this process for a single
/// image) and hands the report to the stream. At most `jobs` images are open at any moment.
struct PileRunner {
    var entries: [PileInput.Entry]
    var jobs: Int
    /// Workers for a pile; nil checks in-process.
    var workers: WorkerProcess.Launch?
    var options: CheckOptions
    var isPile: Bool

    func run(into stream: ReportStream) throws {
        let next = Mutex(0)
        let failure = Mutex<(any Error)?>(nil)
        let slots = max(1, min(jobs, entries.count))
        let done = DispatchGroup()
        for slot in 0..<slots {
            done.enter()
            let thread = Thread { [entries, workers, options, isPile] in
                defer { done.leave() }
                let worker = workers.map { WorkerProcess($0, slot: slot) }
                defer { worker?.finish() }
                while true {
                    let position = next.withLock { n -> Int in
                        defer { n += 1 }
                        return n
                    }
                    guard position < entries.count else { return }
                    let entry = entries[position]
                    stream.progress?.started(position, entry.path)
                    var (report, bytes, reads, transfer): (Report, UInt64, UInt64, TransferStats?)
                    if let worker {
                        (report, bytes, reads, transfer) = worker.check(entry)
                    } else {
                        let r = ImageGate.check(entry.path, options: options)
                        (report, bytes, reads, transfer) = (r.report, r.bytesRead, r.reads, r.transfer)
                    }
                    if isPile { report.index = entry.index }
                    do {
                        try stream.deliver(position, report, bytesRead: bytes, reads: reads, transfer: transfer)
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                }
            }
            // Big enough for the deepest file-system walk, as the main thread's would be.
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
