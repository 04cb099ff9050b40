import Foundation
import ImageGate
import Testing

/// Policy files are read strictly: every mistake names the file, line, column and field.
@Suite struct PolicyFileTests {
    static let valid = """
        schemaVersion: 1
        name: test
        requirements:
          - id: agent-installed
            title: The agent is installed
            severity: must
            remediation: Install it.
            package: {name: corp-agent, atLeast: "2.3"}
          - id: shadow-mode
            title: shadow is private
            severity: should
            remediation: chmod 0640 /etc/shadow
            file: {path: /etc/shadow, mode: 0640, owner: "root:shadow", notContains: ["^root::"]}
        """

    @Test func readsEveryField() throws {
        let p = try Policy.parse(Self.valid, file: "p.yaml")
        #expect(p.name == "test")
        #expect(p.rules.map(\.id) == ["agent-installed", "shadow-mode"])
        #expect(p.rules[0].check == .package(name: "corp-agent", atLeast: "2.3", below: nil, absent: false))
        // 0640 stays as written (YAML 1.1 would read it as the octal number 416).
        #expect(
            p.rules[1].check
                == .file(FileCheck(path: "/etc/shadow", notContains: ["^root::"], mode: "0640", owner: "root:shadow")))
        #expect(p.rules[1].severity == .should)
        #expect(p.rules[1].location == SourceLocation(file: "p.yaml", line: 9, column: 9))
    }

    /// Each malformed file, with the location and field the error must name.
    static let malformed: [(yaml: String, where: String, field: String, says: String)] = [
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    package: {name: x, atleast: '1'}\n",
            "p.yaml:7:24", "requirements[0].package.atleast", "unknown key 'atleast'"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    file: {path: /etc/x, contains: '([a-z'}\n",
            "p.yaml:7:36", "requirements[0].file.contains", "not a valid regular expression"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    unit: {name: ssh, enabled: true}\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    unit: {name: ssh, masked: true}\n",
            "p.yaml:8:9", "requirements[1].id", "duplicate id 'a' (first at p.yaml:3:9)"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: may\n    remediation: r\n    unit: {name: ssh, enabled: true}\n",
            "p.yaml:5:15", "requirements[0].severity", "expected 'must' or 'should'"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    file: {path: /etc/x, mode: '999'}\n",
            "p.yaml:7:32", "requirements[0].file.mode", "octal"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    package: {name: x, absent: true}\n",
            "p.yaml:3:5", "requirements[0]", "missing required key 'remediation'"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    package: {name: x, absent: true}\n    unit: {name: y, enabled: true}\n",
            "p.yaml:3:5", "requirements[0]", "one rule per requirement"
        ),
        (
            "schemaVersion: 1\nrequirements:\n  - id: Bad Id\n    title: t\n    severity: must\n    remediation: r\n    package: {name: x, absent: true}\n",
            "p.yaml:3:9", "requirements[0].id", "not a valid id"
        ),
        ("schemaVersion: 2\nrequirements: []\n", "p.yaml:1:16", "schemaVersion", "reads schemaVersion 1"),
        (
            "schemaVersion: 1\nrequirements:\n  - id: a\n    title: t\n    severity: must\n    remediation: r\n    unit: {name: ssh, enabled: false}\n",
            "p.yaml:7:32", "requirements[0].unit.enabled", "leave the key out"
        ),
        ("schemaVersion: 1\nrequirements:\n  - id: a\n    title: [t\n", "p.yaml:5:1", "", "not valid YAML"),
        ("schemaVersion: 1\nschemaVersion: 1\n", "p.yaml:1:1", "", "duplicate key schemaVersion"),
        (
            "schemaVersion: 1\nwaivers:\n  - {id: a, reason: r, expires: 2026-02-30}\n", "p.yaml:3:33",
            "waivers[0].expires", "YYYY-MM-DD"
        ),
    ]

    @Test(arguments: 0..<malformed.count) func refusesMalformedFiles(_ i: Int) throws {
        let c = Self.malformed[i]
        let e = try #require(throws: PolicyError.self) { try Policy.parse(c.yaml, file: "p.yaml") }
        #expect(e.location.description == c.where, "\(e)")
        #expect(e.field == c.field, "\(e)")
        #expect(e.message.contains(c.says), "\(e)")
        #expect(e.description.hasPrefix(c.where + ": "), "\(e)")
    }

    @Test func refusesBuiltInAndCrossFileIds() throws {
        let rule =
            "requirements:\n  - id: %@\n    title: t\n    severity: must\n    remediation: r\n    package: {name: x, absent: true}\n"
        let builtIn = try Policy.parse(
            "schemaVersion: 1\n" + rule.replacingOccurrences(of: "%@", with: "drivers"), file: "a.yaml")
        let e1 = try #require(throws: PolicyError.self) { try Policy.checkIds([builtIn]) }
        #expect(e1.description.contains("a.yaml:3:9") && e1.message.contains("built-in"), "\(e1)")
        let a = try Policy.parse(
            "schemaVersion: 1\n" + rule.replacingOccurrences(of: "%@", with: "same"), file: "a.yaml")
        let b = try Policy.parse(
            "schemaVersion: 1\n\n" + rule.replacingOccurrences(of: "%@", with: "same"), file: "b.yaml")
        try Policy.checkIds([a])
        let e2 = try #require(throws: PolicyError.self) { try Policy.checkIds([a, b]) }
        #expect(e2.description.hasPrefix("b.yaml:4:9: id: duplicate id 'same' (first at a.yaml:3:9)"), "\(e2)")
    }
}
