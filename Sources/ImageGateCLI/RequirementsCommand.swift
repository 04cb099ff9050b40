import ArgumentParser
import Foundation
import ImageGate

struct RequirementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requirements",
        abstract: "List the requirement catalog with its sources, and what cannot be checked offline and why.")

    @Option(help: ArgumentHelp("The requirement profile.", valueName: "NAME"))
    var profile = "azure-accelerated-networking"

    @OptionGroup var catalogue: CatalogueFormatOptions

    func validate() throws {
        guard Profile.named(profile) != nil else { throw ValidationError("unknown profile '\(profile)'") }
    }

    func run() throws {
        guard let p = Profile.named(profile) else { return }
        FileHandle.standardOutput.write(try catalogue.format.render([p]))
    }
}
