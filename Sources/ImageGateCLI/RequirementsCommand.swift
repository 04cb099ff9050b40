import ArgumentParser
import Foundation
import ImageGate

struct RequirementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requirements",
        abstract: "List the requirement catalog with its sources, and what cannot be checked offline and why.")

    @Option(
        help: ArgumentHelp(
            "List only this profile (or these, joined by commas); default: every profile, one after the other.",
            valueName: "NAME[,NAME]"))
    var profile: String?

    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A policy file (YAML, schema/policy.schema.json) whose requirements are listed after the profiles', as check reports them; repeatable. A malformed file or an id already used is a usage error (exit 64).",
            valueName: "FILE"))
    var policies: [String] = []

    @OptionGroup var catalogue: CatalogueFormatOptions

    func validate() throws {
        guard let profile else { return }
        do {
            _ = try Profile.parse(profile)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The profiles to list: each named one separately, so every section says whose ids they are.
    var profiles: [Profile] {
        guard let profile else { return Profile.all }
        return profile.split(separator: ",").compactMap { Profile.named(String($0)) }
    }

    func run() throws {
        let loaded: [Policy]
        do {
            loaded = try policies.map(Policy.load)
            try Policy.checkIds(loaded)
        } catch let e as PolicyError {
            printError("imagegate: error: \(e)")
            throw ExitCode(ExitStatus.usage)
        }
        FileHandle.standardOutput.write(try catalogue.format.render(profiles, policies: loaded))
    }
}
