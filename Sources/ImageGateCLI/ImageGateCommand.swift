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
        if let check = quickCheck(arguments) {
            do {
                try check.run()
            } catch {
                exit(withError: error)
            }
            return
        }
        main(arguments)
    }

    /// `imagegate check …` parsed with `check` as its own root, or nil for anything that does not
    /// parse to a check that way (help, completion scripts, usage errors, other commands): those
    /// go through the root as before, with its messages. ArgumentParser's root, having matched
    /// `check`, builds the check's whole argument set once more only to ask whether it takes
    /// every remaining argument (`includesPassthroughArguments`): 11 of the 31 million
    /// instructions its parse cost, about 7 % of a check (callgrind).
    static func quickCheck(_ arguments: [String]) -> CheckCommand? {
        guard arguments.first == CheckCommand.configuration.commandName else { return nil }
        return (try? CheckCommand.parseAsRoot(Array(arguments.dropFirst()))) as? CheckCommand
    }
}
