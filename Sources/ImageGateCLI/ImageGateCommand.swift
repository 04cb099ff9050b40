import ArgumentParser
import Foundation
import ImageGate

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
