import ArgumentParser
import Dispatch
import Foundation
import ImageGate
import Synchronization

extension ReportFormat: ExpressibleByArgument {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check images for every requirement of a profile and report pass/fail with evidence.",
        discussion: """
            Exit codes: 0 every requirement passed (warnings allowed unless --strict), 1 at least one failed, \
            2 an image could not be read, 64 usage error. With several images the exit code is the worst of them \
            and reports come in argument order.
            """)

    @Argument(help: "Images (.vhd, .vhdx, .qcow2, .vmdk, .raw, .ova, rootfs tarballs) or folders holding an unpacked root.")
    var images: [String]

    @Option(help: ArgumentHelp("The requirement profile.", valueName: "NAME"))
    var profile = "azure-accelerated-networking"

    @Option(help: "Report format.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Warnings fail the verdict (exit 1) too.")
    var strict = false

    @Option(help: ArgumentHelp("Check this many images at once (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Option(help: ArgumentHelp("The target VM size, for the vm-size requirement (for example Standard_D4s_v5).", valueName: "SIZE"))
    var vmSize: String?

    @Option(help: ArgumentHelp("The JSON of `az vm list-skus --all true --resource-type virtualMachines --output json`; default: the small catalogue shipped with imagegate.", valueName: "FILE"))
    var skus: String?

    @Flag(help: "Check the running system: read / and /sys instead of an image (give / as the image).")
    var live = false

    @OptionGroup var options: ImageOptions

    @OptionGroup var liveCheck: LiveCheckOptions

    func validate() throws {
        guard Profile.named(profile) != nil else {
            throw ValidationError("unknown profile '\(profile)'; known: \(Profile.all.map(\.name).joined(separator: ", "))")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if skus != nil && vmSize == nil { throw ValidationError("--skus needs --vm-size") }
        if live && images != ["/"] { throw ValidationError("--live reads the running system: give / as the only image") }
        if liveCheck.given && !live { throw ValidationError("--sample and --sysfs-root need --live") }
    }

    func run() throws {
        var catalogue = VMSizeCatalogue.shipped
        if let skus {
            do {
                catalogue = try VMSizeCatalogue.parse(azureCLIJSON: Data(contentsOf: URL(fileURLWithPath: skus)), source: skus)
            } catch {
                printError("imagegate: error: --skus \(skus): \(error)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        let opts = CheckOptions(
            profile: Profile.named(profile) ?? .azureAcceleratedNetworking, strict: strict, vmSize: vmSize, vmSizes: catalogue,
            open: options.openOptions, live: live, liveOptions: liveCheck.liveOptions)
        let results = Mutex([CheckResult?](repeating: nil, count: images.count))
        let done = Mutex(0)
        let progress = isatty(2) != 0 && images.count > 1
        let width = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let start = ContinuousClock.now
        let queue = DispatchQueue(label: "imagegate.check", attributes: .concurrent)
        let slots = DispatchSemaphore(value: max(1, width))
        let group = DispatchGroup()
        for (i, path) in images.enumerated() {
            slots.wait()
            queue.async(group: group) {
                let r = ImageGate.check(path, options: opts)
                results.withLock { $0[i] = r }
                let n = done.withLock { d -> Int in
                    d += 1
                    return d
                }
                if progress { printError("checked \(n)/\(images.count): \(path)") }
                slots.signal()
            }
        }
        group.wait()
        let all = results.withLock { $0.compactMap { $0 } }
        if options.stats {
            printStats(bytes: all.reduce(0) { $0 + $1.bytesRead }, reads: all.reduce(0) { $0 + $1.reads }, since: start)
        }
        let reports = all.map(\.report)
        for r in reports where r.verdict == .error && format != .text {
            printError("imagegate: error: \(r.error?.message ?? "unreadable image") (\(r.image.path))")
        }
        let color = output == nil && format == .text && isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let data = try format.render(reports, color: color)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                printError("imagegate: error: cannot write \(output)")
                throw ExitCode(ExitStatus.usage)
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
        let worst = reports.map(\.exitCode).max() ?? 0
        if worst != 0 { throw ExitCode(worst) }
    }
}
