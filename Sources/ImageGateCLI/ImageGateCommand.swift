import ArgumentParser
import Foundation
import ImageGate

#if canImport(Glibc)
    import CMalloc
#endif

@main
struct ImageGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagegate",
        abstract: "Check a Linux VM image for Azure Accelerated Networking readiness, offline.",
        version: ImageGate.version,
        subcommands: [
            CheckCommand.self, InspectCommand.self, LsCommand.self, CatCommand.self, RequirementsCommand.self,
            WorkerCommand.self,
        ]
    )

    /// Parses the arguments with the config file's and the `IMAGEGATE_*` values merged in
    /// (`ControlOptions.expand`); a malformed config file is a usage error.
    static func main() {
        #if canImport(Glibc)
            // A check runs on a thread of its own, whose malloc arena grows by small mprotect
            // steps: about 590 calls in a qcow2 check. With 8 MiB of extra room per growth, 23
            // (some half a millisecond of CPU). Room never touched costs no memory.
            _ = mallopt(M_TOP_PAD, 8 << 20)
        #endif
        let arguments: [String]
        do {
            arguments = try ControlOptions.expand(Array(CommandLine.arguments.dropFirst()))
        } catch let e as PolicyError {
            printError("imagegate: error: \(e)")
            Foundation.exit(ExitStatus.usage)
        } catch {
            printError("imagegate: error: \(error)")
            Foundation.exit(ExitStatus.usage)
        }
        main(arguments)
    }
}
