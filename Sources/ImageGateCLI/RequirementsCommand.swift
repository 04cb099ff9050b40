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
        var out = ""
        for p in profiles {
            out += "Profile \(p.name): \(p.requirements.count) requirements\n\n"
            out += Self.list(p)
        }
        out += "Not checkable from an image:\n"
        for item in OutOfScope.items { out += "  - \(item.topic): \(item.reason)\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    static func list(_ p: Profile) -> String {
        var out = ""
        for r in p.requirements {
            out += "\(r.id) [\(r.severity.rawValue)]: \(r.title)\n"
            out += "  expected: \(r.expected)\n"
            out += "  source: \(r.reference)\n"
            out += "  fix: \(r.remediation)\n"
            if let limit = r.offlineLimit { out += "  offline: skipped on images: \(limit)\n" }
            out += "\n"
        }
        return out
    }
}
