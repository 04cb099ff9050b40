import Foundation
import ImageGate
import TestSupport
import Testing

/// The published policy schema and the reader agree: every example is valid for both, and a
/// mistake the reader refuses the schema refuses too.
@Suite struct PolicySchemaTests {
    static var examples: [String] {
        let dir = Fixtures.packageRoot + "/examples/policies"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
    }

    /// YAML as JSON, scalars typed as YAML 1.1 types them except dates, which stay strings (the
    /// schema describes what an editor's YAML plugin sees).
    static func json(_ yaml: String) throws -> Data {
        let script = """
            import json, sys, yaml
            class L(yaml.SafeLoader): pass
            L.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp']
                                         for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
            print(json.dumps(yaml.load(sys.stdin.read(), Loader=L)))
            """
        let r = try Tools.run(["/usr/bin/python3", "-c", script], input: Data(yaml.utf8))
        try #require(r.status == 0, "\(r.stderr)")
        return Data(r.stdout.utf8)
    }

    @Test func thereAreExamples() {
        #expect(Self.examples.count >= 2)
    }

    @Test(arguments: examples) func everyExampleIsValid(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let policy = try Policy.load(path)
        try Policy.checkIds([policy])
        #expect(!policy.rules.isEmpty)
        let errors = try Tools.validateJSON([try Self.json(text)], schema: Fixtures.schema("policy.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
    }

    /// Mistakes both must refuse.
    @Test(arguments: [
        ("severity: must", "severity: may"),
        ("package: {name: telnetd, absent: true}", "package: {name: telnetd, absnt: true}"),
        ("package: {name: telnetd, absent: true}", "package: {name: telnetd, absent: true, atLeast: '1'}"),
        (
            "unit: {name: debug-shell.service, disabled: true}",
            "unit: {name: debug-shell.service, disabled: true, masked: true}"
        ),
        ("mode: \"0640\"", "mode: \"0648\""),
        ("id: no-telnet-server", "id: No-Telnet"),
    ])
    func aMistakeIsRefusedByBoth(_ replace: (String, String)) throws {
        let path = try #require(Self.examples.first { $0.hasSuffix("hardened-baseline.yaml") })
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try #require(original.contains(replace.0))
        let broken = original.replacingOccurrences(of: replace.0, with: replace.1)
        #expect(throws: PolicyError.self) { try Policy.parse(broken, file: "broken.yaml") }
        let errors = try Tools.validateJSON([try Self.json(broken)], schema: Fixtures.schema("policy.schema.json"))
        #expect(!errors.isEmpty, "the schema accepted: \(replace.1)")
    }
}
