import ArgumentParser
import Foundation
import ImageGate

/// `check --policy FILE` (repeatable) and `--config FILE`, and how the config file and the
/// `IMAGEGATE_*` variables become flags.
///
/// Precedence, per flag: the command line, then `IMAGEGATE_<FLAG>` (the long name in capitals,
/// `-` as `_`: `IMAGEGATE_VM_SIZE`), then the config file, then the built-in default. The
/// merge happens on the arguments before they are parsed (`expand`), so every flag of every
/// command gets both without a list kept here, and a pile's worker processes, which parse the
/// same arguments in the same environment and folder, see the same values.
struct ControlOptions: ParsableArguments {
    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A policy file (YAML, schema/policy.schema.json) whose requirements are checked after the profile's; repeatable. A malformed file or an id already used is a usage error (exit 64).",
            valueName: "FILE"))
    var policies: [String] = []

    @Option(
        help: ArgumentHelp(
            "The config file: defaults for any flag, and waivers (default: ./imagegate.yaml when it exists). Flags beat IMAGEGATE_* variables, which beat the file.",
            valueName: "FILE"))
    var config: String?

    /// Names that are not settable from the config file or the environment.
    static let reserved: Set<String> = [
        "help", "version", "config", "experimental-dump-help", "generate-completion-script",
    ]
    /// Flags that read their `IMAGEGATE_*` variable themselves, with their own meaning:
    /// `IMAGEGATE_SYSFS_ROOT` is where `--live` reads sysfs, and does not ask for `--live`.
    static let ownVariables: Set<String> = ["sysfs-root"]

    /// The config file in effect: `--config`, else `IMAGEGATE_CONFIG`, else `./imagegate.yaml`
    /// when it exists; nil when none.
    static func configPath(arguments: [String], environment: [String: String]) -> String? {
        var i = arguments.startIndex
        while i < arguments.endIndex, arguments[i] != "--" {
            let a = arguments[i]
            if a == "--config", i + 1 < arguments.endIndex { return arguments[i + 1] }
            if a.hasPrefix("--config=") { return String(a.dropFirst("--config=".count)) }
            i += 1
        }
        if let e = environment["IMAGEGATE_CONFIG"], !e.isEmpty { return e }
        return FileManager.default.fileExists(atPath: ConfigFile.defaultName) ? ConfigFile.defaultName : nil
    }

    /// The commands the config file may configure, with their flags (from ArgumentParser's own
    /// description of each, so a new flag is configurable the day it is added).
    static let commands: [(name: String, type: any ParsableCommand.Type)] = [
        ("check", CheckCommand.self), ("inspect", InspectCommand.self), ("ls", LsCommand.self),
        ("cat", CatCommand.self),
        ("requirements", RequirementsCommand.self),
    ]

    static func describe(_ name: String, _ type: any ParsableCommand.Type) -> (
        ConfigFile.Command, shorts: [String: String]
    ) {
        struct Dump: Decodable {
            struct Command: Decodable { var arguments: [Argument]? }
            struct Argument: Decodable {
                struct Name: Decodable {
                    var kind: String
                    var name: String
                }
                var kind: String
                var names: [Name]?
                var isRepeating: Bool
            }
            var command: Command
        }
        var c = ConfigFile.Command(name: name, flags: [], options: [], repeating: [])
        var shorts: [String: String] = [:]
        let dump = try? JSONDecoder().decode(Dump.self, from: Data(type._dumpHelp().utf8))
        for a in dump?.command.arguments ?? [] {
            guard let long = a.names?.first(where: { $0.kind == "long" })?.name, !reserved.contains(long) else {
                continue
            }
            for s in a.names ?? [] where s.kind == "short" { shorts[s.name] = long }
            switch a.kind {
            case "flag": c.flags.insert(long)
            case "option":
                c.options.insert(long)
                if a.isRepeating { c.repeating.insert(long) }
            default: break
            }
        }
        return (c, shorts)
    }

    /// The process arguments (after the program name) with the values of `IMAGEGATE_*` and of the
    /// config file put in front for every flag the command line does not give. Other commands
    /// and the internal worker pass through unchanged.
    static func expand(_ arguments: [String], environment: [String: String] = processEnvironment)
        throws
        -> [String]
    {
        guard let name = arguments.first, let type = commands.first(where: { $0.name == name })?.type else {
            return arguments
        }
        return [name] + (try expand(command: name, type, Array(arguments.dropFirst()), environment: environment))
    }

    /// `expand` for the arguments of one command (what follows its name).
    static func expand(
        command name: String, _ type: any ParsableCommand.Type, _ arguments: [String],
        environment: [String: String] = processEnvironment
    ) throws -> [String] {
        // Nothing to merge without a config file or an IMAGEGATE_* variable: skip describing the
        // command, which has ArgumentParser dump its whole help as JSON (about a millisecond of
        // every run, and every pile worker's start).
        let configured = configPath(arguments: arguments, environment: environment)
        guard configured != nil || environment.keys.contains(where: { $0.hasPrefix("IMAGEGATE_") }) else {
            return arguments
        }
        let (command, shorts) = describe(name, type)
        var given = Set<String>()
        for a in arguments {
            if a == "--" { break }
            if a.hasPrefix("--") {
                given.insert(String(a.dropFirst(2).prefix { $0 != "=" }))
            } else if a.hasPrefix("-"), a.count == 2, let long = shorts[String(a.dropFirst())] {
                given.insert(long)
            }
        }
        let config = try configured.map {
            try ConfigFile.load($0, commands: commands.map { describe($0.name, $0.type).0 })
        }
        let fromFile = config?.sections[name] ?? [:]
        var front: [String] = []
        for flag in command.flags.sorted() where !given.contains(flag) {
            let variable = Self.variable(flag)
            if let raw = environment[variable], !raw.isEmpty {
                guard let on = Self.truth(raw) else {
                    throw PolicyError(
                        SourceLocation(file: "environment", line: 0, column: 0), field: variable,
                        "expected true or false (1/0, yes/no), got '\(raw)'")
                }
                if on { front.append("--" + flag) }
            } else if case .flag(true)? = fromFile[flag] {
                front.append("--" + flag)
            }
        }
        for option in command.options.sorted() where !given.contains(option) {
            var values: [String] = []
            // An empty variable counts as unset: the config file or the default applies.
            if !ownVariables.contains(option), let raw = environment[Self.variable(option)], !raw.isEmpty {
                // A repeatable option takes a comma-separated list from the environment.
                values = command.repeating.contains(option) ? raw.split(separator: ",").map(String.init) : [raw]
            } else if case .values(let v)? = fromFile[option] {
                values = v
            }
            for v in values { front += ["--" + option, v] }
        }
        return front + arguments
    }

    /// `vm-size` → `IMAGEGATE_VM_SIZE`.
    static func variable(_ flag: String) -> String {
        "IMAGEGATE_" + flag.uppercased().map { $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    static func truth(_ raw: String) -> Bool? {
        switch raw.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    /// The policies of `policies`, in order; a malformed file, an id used twice across the files
    /// or an id of a built-in requirement is a `PolicyError` naming where.
    func loadPolicies() throws -> [Policy] {
        let loaded = try policies.map(Policy.load)
        try Policy.checkIds(loaded)
        return loaded
    }

    /// The config file's waivers (none without a config file).
    func loadWaivers() throws -> [Waiver] {
        let args = config.map { ["--config", $0] } ?? []
        guard let path = Self.configPath(arguments: args, environment: processEnvironment) else {
            return []
        }
        return try ConfigFile.load(path, commands: Self.commands.map { Self.describe($0.name, $0.type).0 }).waivers
    }
}
