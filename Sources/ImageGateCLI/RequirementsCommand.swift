import ArgumentParser
import Foundation
import ImageGate

struct RequirementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requirements",
        abstract: "List the requirement catalog with its sources, and what cannot be checked offline and why.")

    @Option(help: ArgumentHelp("The requirement profile.", valueName: "NAME"))
    var profile = "azure-accelerated-networking"

    func validate() throws {
        guard Profile.named(profile) != nil else { throw ValidationError("unknown profile '\(profile)'") }
    }

    func run() throws {
        guard let p = Profile.named(profile) else { return }
        var out = "Profile \(p.name): \(p.requirements.count) requirements\n\n"
        for r in p.requirements {
            out += "\(r.id) [\(r.severity.rawValue)]: \(r.title)\n"
            out += "  expected: \(r.expected)\n"
            out += "  source: \(r.reference)\n"
            out += "  fix: \(r.remediation)\n"
            if let limit = r.offlineLimit { out += "  offline: skipped on images: \(limit)\n" }
            out += "\n"
        }
        out += "Not checkable from an image:\n"
        for item in OutOfScope.items { out += "  - \(item.topic): \(item.reason)\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
