import ArgumentParser
import Dispatch
import Foundation
import ImageGate

extension ReportFormat: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check images for every requirement of a profile and report pass/fail with evidence.",
        discussion: """
            Exit codes: 0 every requirement passed (warnings allowed unless --strict), 1 at least one failed, \
            2 an image could not be read, 64 usage error. With several images the exit code is the worst of them. \
            Several images (or --from) make a pile: each image is checked in a worker process of its own under \
            --timeout and --memory-limit, JSON lines are written as images finish and carry the input index, \
            text comes in input order as soon as it can and ends with a summary.
            """)

    @Argument(
        help: "Images (.vhd, .vhdx, .qcow2, .vmdk, .raw, .ova, rootfs tarballs) or folders holding an unpacked root.",
        completion: .file())
    var images: [String] = []

    @Option(
        help: ArgumentHelp(
            "The requirement profile, or several joined by commas (azure-accelerated-networking,azure-image): their requirements in that order, in one report.",
            valueName: "NAME[,NAME]"))
    var profile = "azure-accelerated-networking"

    @Option(help: "Report format.", completion: .list(ReportFormat.allCases.map(\.rawValue)))
    var format: ReportFormat = .text

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the report to FILE instead of standard output.", valueName: "FILE"),
        completion: .file())
    var output: String?

    @Flag(help: "Warnings fail the verdict (exit 1) too.")
    var strict = false

    @Option(help: ArgumentHelp("Check this many images at once (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp(
            "The target VM size, for the vm-size requirement (for example Standard_D4s_v5).", valueName: "SIZE"),
        completion: .list(VMSizeCatalogue.shipped.sizes.values.map(\.name).sorted()))
    var vmSize: String?

    @Option(
        help: ArgumentHelp(
            "The JSON of `az vm list-skus --all true --resource-type virtualMachines --output json`; default: the small catalogue shipped with imagegate.",
            valueName: "FILE"), completion: .file(extensions: ["json"]))
    var skus: String?

    @Flag(help: "Check the running system: read / and /sys instead of an image (give / as the image).")
    var live = false

    @OptionGroup var options: ImageOptions

    @OptionGroup var pile: PileOptions

    @OptionGroup var reporting: ReportingOptions

    @OptionGroup var liveCheck: LiveCheckOptions

    @OptionGroup var controls: ControlOptions

    func validate() throws {
        do {
            _ = try Profile.parse(profile)
        } catch {
            throw ValidationError(error.description)
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if skus != nil && vmSize == nil { throw ValidationError("--skus needs --vm-size") }
        if images.isEmpty && pile.from == nil { throw ValidationError("give at least one image, or --from FILE") }
        if live && images != ["/"] {
            throw ValidationError("--live reads the running system: give / as the only image")
        }
        if liveCheck.given && !live { throw ValidationError("--sample and --sysfs-root need --live") }
    }

    /// The check options every image gets, from the flags (the worker process builds them the
    /// same way from the same arguments).
    func checkOptions() throws -> CheckOptions {
        var catalogue = VMSizeCatalogue.shipped
        if let skus {
            do {
                catalogue = try VMSizeCatalogue.parse(
                    azureCLIJSON: Data(contentsOf: URL(fileURLWithPath: skus)), source: skus)
            } catch {
                printError("imagegate: error: --skus \(skus): \(error)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        if let vmSize, catalogue.size(named: vmSize) == nil {
            // A typo must not pass the gate as a skip: the size is a usage error, with a hint.
            let near = catalogue.nearest(to: vmSize)
            printError(
                "imagegate: error: --vm-size \(vmSize) is not in \(catalogue.source); "
                    + (near.isEmpty ? "no known size is close" : "nearest: \(near.joined(separator: ", "))")
                    + (skus == nil ? " (pass --skus with az vm list-skus --output json for every size)" : ""))
            throw ExitCode(ExitStatus.usage)
        }
        var open = options.openOptions
        open.timeout = pile.timeoutDuration
        var check = CheckOptions(
            profile: Profile.named(profile) ?? .azureAcceleratedNetworking, strict: strict, vmSize: vmSize,
            vmSizes: catalogue,
            open: open, live: live, liveOptions: liveCheck.liveOptions)
        // Only the JSON report shows the facts (a pile's workers get the same --format).
        check.includesFacts = format == .json
        do {
            check.policies = try controls.loadPolicies()
            check.waivers = try controls.loadWaivers()
            let known = Set(check.profile.requirements.map(\.id) + check.policies.flatMap(\.rules).map(\.id))
            try (check.waivers + check.policies.flatMap(\.waivers)).checkIds(known: known)
        } catch let e as PolicyError {
            printError("imagegate: error: \(e)")
            throw ExitCode(ExitStatus.usage)
        }
        return check
    }

    func run() throws {
        let opts = try checkOptions()
        let input: PileInput
        do {
            input = try PileInput(
                arguments: images, fromFile: pile.from,
                shard: try pile.shardSelection(environment: processEnvironment))
        } catch let e as ValidationError {
            printError("imagegate: error: \(e.message)")
            throw ExitCode(ExitStatus.usage)
        }
        let start = ContinuousClock.now
        let out: FileHandle
        if let output {
            // Opened in place (O_TRUNC), never created by rename: FileManager.createFile writes a
            // temporary file and renames it over the path, which turns `-o /dev/null` into a
            // regular file and replaces a symlink instead of writing through it.
            let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                printError("imagegate: error: cannot write \(output): \(String(cString: strerror(errno)))")
                throw ExitCode(ExitStatus.usage)
            }
            out = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        } else {
            out = FileHandle.standardOutput
        }
        let stderrIsTTY = isatty(2) != 0
        let progress: ProgressLine? =
            input.isPile && (stderrIsTTY || pile.progress)
            ? ProgressLine(mode: stderrIsTTY ? .live : .lines, total: input.entries.count) : nil
        let stream = ReportStream(
            format: format, options: reporting.renderOptions(format: format, toTerminal: output == nil),
            isPile: input.isPile,
            output: out, progress: progress, severities: reporting.severity?.severities)
        var launch: WorkerProcess.Launch?
        if input.isPile {
            // A worker that died must not kill the parent when it writes the next request.
            signal(SIGPIPE, SIG_IGN)
            launch = WorkerProcess.Launch(
                executable: Self.executable, arguments: Self.ownArguments, timeout: pile.timeoutDuration,
                memoryLimit: pile.memoryLimitBytes ?? 1 << 30)
        }
        let runner = PileRunner(
            entries: input.entries, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, workers: launch,
            options: opts,
            isPile: input.isPile)
        try runner.run(into: stream)
        let totals = try stream.finish()
        try? out.synchronize()
        if options.stats {
            printStats(bytes: totals.bytesRead, reads: totals.reads, transfer: totals.transfer, since: start)
        }
        if totals.exitCode != 0 { throw ExitCode(totals.exitCode) }
    }

    /// This binary, for worker processes.
    static var executable: URL {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe)
    }

    /// The arguments this `check` was given (what follows the subcommand name), which the worker
    /// parses again.
    static var ownArguments: [String] {
        let all = CommandLine.arguments
        guard let i = all.firstIndex(of: "check") else { return Array(all.dropFirst()) }
        return Array(all[(i + 1)...])
    }
}
