import Foundation

/// The config file (`imagegate.yaml` in the working directory, or `--config FILE`): default
/// values for any command's flags, and waivers.
///
/// ```yaml
/// check:                       # a command name; its keys are that command's long flag names
///   profile: azure-accelerated-networking
///   strict: true
///   policy: [policies/base.yaml, policies/agent.yaml]
/// waivers:
///   - {id: vm-size, images: "*-gen1-*", reason: "Gen1 images ship to D-series only", expires: 2027-03-31}
/// ```
/// Read strictly, like a policy file: an unknown command or flag is a usage error naming file,
/// line, column and field. Flags on the command line beat `IMAGEGATE_*` variables, which beat
/// this file (`ControlOptions.expand` in the CLI does the merging).
public struct ConfigFile: Sendable {
    /// One flag's value as written.
    public enum Value: Sendable, Equatable {
        /// A flag: `strict: true` or `strict: false`.
        case flag(Bool)
        /// An option's values (one, or a list for a repeatable option).
        case values([String])
    }

    /// What one command may be given: its long flag names, whether each takes a value, and
    /// whether it repeats.
    public struct Command: Sendable {
        public var name: String
        public var flags: Set<String>
        public var options: Set<String>
        public var repeating: Set<String>

        /// Creates a value from its fields.
        public init(name: String, flags: Set<String>, options: Set<String>, repeating: Set<String>) {
            self.name = name
            self.flags = flags
            self.options = options
            self.repeating = repeating
        }
    }

    /// The file name looked for in the working directory.
    public static let defaultName = "imagegate.yaml"

    public var file: String
    /// Command → flag name → value.
    public var sections: [String: [String: Value]]
    public var waivers: [Waiver]

    /// Reads a config file for `commands`.
    public static func parse(_ text: String, file: String, commands: [Command]) throws -> ConfigFile {
        var config = ConfigFile(file: file, sections: [:], waivers: [])
        guard let root = try StrictNode.parse(text, file: file) else { return config }
        let top = try root.mapping(allowed: commands.map(\.name) + ["waivers"])
        for command in commands {
            guard let section = top[command.name]?.value else { continue }
            let keys = try section.mapping(allowed: (command.flags.union(command.options)).sorted())
            var values: [String: Value] = [:]
            for (name, entry) in keys {
                if command.flags.contains(name) {
                    let s = try entry.value.string()
                    guard s == "true" || s == "false" else {
                        throw entry.value.fail("expected true or false, got '\(s)'")
                    }
                    values[name] = .flag(s == "true")
                } else if command.repeating.contains(name) {
                    values[name] = .values(try entry.value.strings())
                } else {
                    values[name] = .values([try entry.value.string()])
                }
            }
            config.sections[command.name] = values
        }
        config.waivers = try top["waivers"]?.value.sequence().map(Waiver.parse) ?? []
        return config
    }

    /// Reads the config file at `path`; an unreadable file is a `PolicyError`.
    public static func load(_ path: String, commands: [Command]) throws -> ConfigFile {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PolicyError(SourceLocation(file: path, line: 0, column: 0), field: "", "cannot read the config file")
        }
        return try parse(try Policy.text(path), file: path, commands: commands)
    }
}
