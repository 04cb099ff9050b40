import ArgumentParser
import ImageGate

/// `check --policy FILE` (repeatable): user policy files whose requirements are checked after
/// the profile's.
struct PolicyOptions: ParsableArguments {
    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A policy file (YAML, schema/policy.schema.json) whose requirements are checked after the profile's; repeatable. A malformed file or an id already used is a usage error (exit 64).",
            valueName: "FILE"))
    var files: [String] = []

    /// The policies of `files`, in order; a malformed file, an id used twice across the files or
    /// an id of a built-in requirement is a `PolicyError` naming where.
    static func load(_ files: [String]) throws -> [Policy] {
        let policies = try files.map(Policy.load)
        try Policy.checkIds(policies)
        return policies
    }
}
