import ArgumentParser
import Foundation
import ImageGate

/// One line on a worker's standard input: the image to check next.
struct WorkerRequest: Codable {
    var index: Int
    var path: String
}

/// One line on a worker's standard output: the report of the image just asked for.
struct WorkerResponse: Codable {
    var index: Int
    var report: Report
    var bytesRead: UInt64
    var reads: UInt64
    var transfer: TransferStats?
}

/// `imagegate internal-worker --memory-limit BYTES <check arguments…>`: the process `check` runs
/// for piles, one per job slot, so an image that traps, hangs or eats memory takes down only its
/// own report (issue 10, "one image, one fate").
///
/// It caps its own address space (`RLIMIT_AS`) before reading anything, parses the check
/// arguments exactly as `check` did (so every option reaches it without a second list of
/// flags), then checks one image per request line until its input closes. Not for people:
/// hidden from help, its protocol is the two structs above and may change between versions.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "internal-worker", abstract: "Check images for a parent `check` process (internal).",
        shouldDisplay: false)

    @Option var memoryLimit: UInt64

    @Argument(parsing: .captureForPassthrough) var checkArguments: [String] = []

    /// Test-only faults, honoured here and nowhere else: `trap=NAME`, `hang=NAME` or
    /// `memory=NAME` makes the worker trap, sleep forever or allocate past its limit when the
    /// image's file name is NAME, so tests can show that the parent contains each of them.
    static let faultVariable = "IMAGEGATE_WORKER_FAULT"

    func run() throws {
        // RLIMIT_AS rather than a cgroup: it needs no privileges or systemd, holds on every Linux
        // and in every container, and a failed allocation ends the worker (Swift traps on it),
        // which the parent reports as the memory limit.
        var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
        guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else {
            throw ExitCode(ExitStatus.usage)
        }
        // The same merge of config file and IMAGEGATE_* as the parent made (same folder, same environment).
        let check = try CheckCommand.parse(
            try ControlOptions.expand(command: "check", CheckCommand.self, checkArguments))
        let options = try check.checkOptions()
        let fault = processEnvironment[Self.faultVariable].map(Self.parseFault)
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        while let line = readLine(strippingNewline: true) {
            let request = try decoder.decode(WorkerRequest.self, from: Data(line.utf8))
            if let fault, fault.name == URL(fileURLWithPath: ImageGate.shownPath(request.path)).lastPathComponent {
                Self.inject(fault.kind)
            }
            let result = ImageGate.check(request.path, options: options)
            var out = try encoder.encode(
                WorkerResponse(
                    index: request.index, report: result.report, bytesRead: result.bytesRead, reads: result.reads,
                    transfer: result.transfer))
            out.append(0x0A)
            try FileHandle.standardOutput.write(contentsOf: out)
        }
    }

    static func parseFault(_ value: String) -> (kind: String, name: String) {
        let parts = value.split(separator: "=", maxSplits: 1)
        return (String(parts.first ?? ""), parts.count == 2 ? String(parts[1]) : "")
    }

    static func inject(_ kind: String) {
        switch kind {
        case "trap": fatalError("\(faultVariable): injected trap")
        case "hang": while true { sleep(3600) }
        case "memory":
            var hoard: [[UInt8]] = []
            while true { hoard.append([UInt8](repeating: 1, count: 64 << 20)) }
        default: return
        }
    }
}
