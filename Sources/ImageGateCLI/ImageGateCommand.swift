import ArgumentParser
import ImageGate

@main
struct ImageGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagegate",
        abstract: "Check a Linux VM image for Azure Accelerated Networking readiness, offline.",
        version: ImageGate.version,
        subcommands: [CheckCommand.self, InspectCommand.self, LsCommand.self, CatCommand.self, RequirementsCommand.self, WorkerCommand.self]
    )
}
