import Foundation
import ImageGate
import Synchronization

/// The parent's side of one `internal-worker` process: one per job slot, kept for image after
/// image (a fork and exec per image would cost more than many checks do) and replaced only after
/// it failed. Used by one thread at a time.
final class WorkerProcess {
    /// What the parent needs to start workers.
    struct Launch: Sendable {
        var executable: URL
        var arguments: [String]
        var timeout: Duration
        var memoryLimit: UInt64
    }

    let launch: Launch
    private static let spawning = Mutex(())
    private var process: Process?
    private var toWorker: FileHandle?
    private var fromWorker: FileHandle?
    private var pending: [UInt8] = []
    private let stderrFile: URL

    init(_ launch: Launch, slot: Int) {
        self.launch = launch
        stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imagegate-worker-\(ProcessInfo.processInfo.processIdentifier)-\(slot).stderr")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: stderrFile)
    }

    /// Checks one image in the worker; an image that ends or stalls the worker gets an `error`
    /// report of layer `internal` instead, and the next image gets a fresh worker.
    func check(_ entry: PileInput.Entry) -> (report: Report, bytesRead: UInt64, reads: UInt64, transfer: TransferStats?)
    {
        do {
            try startIfNeeded()
            var line = try JSONEncoder().encode(WorkerRequest(index: entry.index, path: entry.path))
            line.append(0x0A)
            try toWorker?.write(contentsOf: line)
        } catch {
            return (failure(entry, "could not start or reach the worker process (\(error))"), 0, 0, nil)
        }
        switch readLine(deadline: .now + launch.timeout) {
        case .line(let bytes):
            if let r = try? JSONDecoder().decode(WorkerResponse.self, from: Data(bytes)), r.index == entry.index {
                return (r.report, r.bytesRead, r.reads, r.transfer)
            }
            stop()
            return (failure(entry, "the worker process answered with something that is not its report"), 0, 0, nil)
        case .timedOut:
            stop()
            return (
                failure(
                    entry, "gave up after \(Self.seconds(launch.timeout)) s (--timeout): the worker process was killed"),
                0, 0, nil
            )
        case .closed:
            return (failure(entry, reap()), 0, 0, nil)
        }
    }

    /// Ends the worker: closing its input lets an idle one leave on its own; one that is busy
    /// (timed out, or talking nonsense) is killed.
    func stop() {
        guard let process else { return }
        try? toWorker?.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? fromWorker?.close()
        self.process = nil
        toWorker = nil
        fromWorker = nil
        pending = []
    }

    /// Stops an idle worker politely (end of the pile).
    func finish() {
        try? toWorker?.close()
        toWorker = nil
        process?.waitUntilExit()
        stop()
    }

    private func startIfNeeded() throws {
        guard process == nil else { return }
        guard FileManager.default.createFile(atPath: stderrFile.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: stderrFile.path])
        }
        let p = Process()
        p.executableURL = launch.executable
        p.arguments = ["internal-worker", "--memory-limit", String(launch.memoryLimit)] + launch.arguments
        // glibc gives each thread that meets contention a malloc arena of its own, reserving 64 MiB
        // of address space apiece (up to 8 per core): a remote image's parallel readers would
        // spend the worker's RLIMIT_AS on reservations and trap on an allocation that is not
        // there. Two arenas keep the limit a limit on memory used.
        var environment = processEnvironment
        if environment["MALLOC_ARENA_MAX"] == nil { environment["MALLOC_ARENA_MAX"] = "2" }
        p.environment = environment
        let log = try FileHandle(forWritingTo: stderrFile)
        // Every descriptor close-on-exec, and pipes made and spawned under one lock: a worker
        // started by another slot must not inherit this worker's pipe ends, or closing this
        // worker's input would never reach it and its death would never close its output. The
        // child gets its three as 0, 1 and 2, which dup2 leaves open.
        let (input, output) = try Self.spawning.withLock { _ in
            let input = Pipe()
            let output = Pipe()
            for fd in [
                input.fileHandleForReading, input.fileHandleForWriting, output.fileHandleForReading,
                output.fileHandleForWriting, log,
            ] {
                _ = fcntl(fd.fileDescriptor, F_SETFD, FD_CLOEXEC)
            }
            p.standardInput = input
            p.standardOutput = output
            p.standardError = log
            try p.run()
            return (input, output)
        }
        try? log.close()
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
        process = p
        toWorker = input.fileHandleForWriting
        fromWorker = output.fileHandleForReading
    }

    private enum Read {
        case line([UInt8])
        case timedOut
        case closed
    }

    /// One line from the worker, waiting no later than `deadline`.
    private func readLine(deadline: ContinuousClock.Instant) -> Read {
        while true {
            if let nl = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<nl])
                pending.removeFirst(nl + 1)
                return .line(line)
            }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return .timedOut }
            let ms = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard let fromWorker else { return .closed }
            var fd = pollfd(fd: fromWorker.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                if ready == 0 { continue }
                return .closed
            }
            // poll said readable: this returns what is there, or nothing at end of file.
            let data = fromWorker.availableData
            guard !data.isEmpty else { return .closed }
            pending += data
        }
    }

    /// Waits for a worker that closed its output and says how it ended.
    private func reap() -> String {
        guard let process else { return "the worker process is gone" }
        try? toWorker?.close()
        toWorker = nil
        process.waitUntilExit()
        let status = process.terminationStatus
        let signalled = process.terminationReason == .uncaughtSignal
        stop()
        let log = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        // Swift traps with this text when an allocation fails, which under RLIMIT_AS is the limit.
        if log.contains("failed to allocate") || log.contains("Could not allocate memory")
            || log.contains("Cannot allocate memory") || log.contains("out of memory")
        {
            return "the worker process went over the memory limit of \(Self.size(launch.memoryLimit)) (--memory-limit)"
        }
        let said = log.split(separator: "\n").first { $0.contains("Fatal error") || $0.contains("error:") }
        let why = said.map { " (it said: \($0))" } ?? ""
        if signalled { return "the worker process was killed by signal \(status) (\(Self.signalName(status)))\(why)" }
        return "the worker process exited with status \(status)\(why)"
    }

    private func failure(_ entry: PileInput.Entry, _ what: String) -> Report {
        Report(
            image: .init(path: ImageGate.shownPath(entry.path)),
            error: .init(
                layer: "internal",
                message:
                    "internal: \(what) while checking this image. This is a bug in imagegate: please report it, with the input if you can share it."
            ))
    }

    static func signalName(_ n: Int32) -> String {
        let names: [Int32: String] = [
            SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
            SIGKILL: "SIGKILL",
            SIGSEGV: "SIGSEGV", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU",
        ]
        return names[n] ?? "signal \(n)"
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }

    static func size(_ bytes: UInt64) -> String {
        bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
