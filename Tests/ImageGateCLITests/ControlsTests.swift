import Foundation
import TestSupport
import Testing

/// The config file, `IMAGEGATE_*` variables and waivers, end to end on the Debian 12 tree
/// (which fails cloud-init, azure-vm-utils and udev-rule of the built-in profile).
@Suite struct ControlsTests {
    static var tree: String { get throws { try Fixtures.path("debian12-tree/rootfs") } }
    static let corporate = Fixtures.packageRoot + "/examples/policies/corporate-agent.yaml"

    /// A scratch folder holding `imagegate.yaml` with `text`.
    static func folder(config text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("controls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/imagegate.yaml"))
        return dir
    }

    /// Runs imagegate in `directory` with `environment` added.
    static func run(_ args: [String], in directory: String, environment: [String: String] = [:]) throws -> Tools.Output
    {
        try Tools.run(
            ["/usr/bin/env", "-C", directory] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                + [CLI.binary] + args)
    }

    static func report(_ out: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    static func finding(_ report: [String: Any], _ id: String) -> [String: Any]? {
        (report["requirements"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test func theConfigFileInTheWorkingFolderSetsFlags() throws {
        let dir = try Self.folder(config: "check:\n  format: json\n  strict: true\n  policy: [\(Self.corporate)]\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(["check", try Self.tree], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        let report = try Self.report(r.stdout)
        #expect(report["strict"] as? Bool == true)
        #expect(Self.finding(report, "corp-agent-installed") != nil)
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() throws {
        let dir = try Self.folder(config: "check:\n  format: json\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tree = try Self.tree
        let env = try Self.run(["check", tree], in: dir, environment: ["IMAGEGATE_FORMAT": "markdown"])
        #expect(env.stdout.hasPrefix("#") || env.stdout.contains("| status |"), "\(env.stdout.prefix(200))")
        let flag = try Self.run(
            ["check", "--format", "text", tree], in: dir, environment: ["IMAGEGATE_FORMAT": "markdown"])
        #expect(flag.stdout.contains("verdict: FAIL"), "\(flag.stdout.prefix(200))")
        let file = try Self.run(["check", tree], in: dir)
        #expect(try Self.report(file.stdout)["verdict"] as? String == "fail")
        // A repeatable option takes a comma-separated list from the environment.
        let policies = try Self.run(
            ["check", tree], in: dir,
            environment: [
                "IMAGEGATE_POLICY": Self.corporate + "," + Fixtures.packageRoot
                    + "/examples/policies/hardened-baseline.yaml"
            ])
        let both = try Self.report(policies.stdout)
        #expect(Self.finding(both, "corp-agent-installed") != nil && Self.finding(both, "shadow-private") != nil)
    }

    @Test func environmentFlagsAreTrueOrFalse() throws {
        let dir = try Self.folder(config: "check:\n  format: json\n  strict: true\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let off = try Self.run(["check", try Self.tree], in: dir, environment: ["IMAGEGATE_STRICT": "0"])
        #expect(try Self.report(off.stdout)["strict"] == nil)
        // An empty variable is unset: the file's `strict: true` holds.
        let empty = try Self.run(["check", try Self.tree], in: dir, environment: ["IMAGEGATE_STRICT": ""])
        #expect(try Self.report(empty.stdout)["strict"] as? Bool == true)
        let bad = try Self.run(["check", try Self.tree], in: dir, environment: ["IMAGEGATE_STRICT": "maybe"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("IMAGEGATE_STRICT: expected true or false"), "\(bad.stderr)")
    }

    @Test func aMalformedConfigFileIsAUsageErrorNamingWhere() throws {
        let dir = try Self.folder(config: "check:\n  format: json\n  stirct: true\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(["check", try Self.tree], in: dir)
        #expect(r.status == 64)
        #expect(r.stderr.contains("imagegate.yaml:3:3: check.stirct: unknown key 'stirct'"), "\(r.stderr)")
        let other = try Self.run(["check", "--config", dir + "/none.yaml", try Self.tree], in: dir)
        #expect(other.status == 64 && other.stderr.contains("cannot read the config file"), "\(other.stderr)")
    }

    static let waived = """
        check:
          format: json
        waivers:
          - id: cloud-init
            images: rootfs
            reason: cloud-init 23.2 is in the next release of this image (IMG-77)
            expires: 2999-12-31
          - id: azure-vm-utils
            reason: shipped by the first-boot script
            expires: 2999-12-31
          - id: udev-rule
            images: "*/debian12-tree*/*"
            reason: shipped by the first-boot script
            expires: %@

        """

    @Test func waivedFailuresPassTheGateUntilTheyExpire() throws {
        let tree = try Self.tree
        let valid = try Self.folder(config: Self.waived.replacingOccurrences(of: "%@", with: "2999-12-31"))
        defer { try? FileManager.default.removeItem(atPath: valid) }
        let r = try Self.run(["check", tree], in: valid)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try Self.report(r.stdout)
        #expect(report["verdict"] as? String == "pass")
        let ci = try #require(Self.finding(report, "cloud-init"))
        #expect(ci["status"] as? String == "fail")
        let w = try #require(ci["waiver"] as? [String: Any])
        #expect(w["reason"] as? String == "cloud-init 23.2 is in the next release of this image (IMG-77)")
        #expect(w["expired"] as? Bool == false && w["expires"] as? String == "2999-12-31")
        #expect((w["source"] as? String)?.hasSuffix("imagegate.yaml:4:9") == true, "\(w)")
        let errors = try Tools.validateJSON([Data(r.stdout.utf8)], schema: Fixtures.schema("report.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
        let text = try Self.run(["check", "--format", "text", tree], in: valid)
        #expect(text.stdout.contains("waived (until 2999-12-31"), "\(text.stdout)")
        // SARIF: an accepted external suppression, valid against the SARIF 2.1.0 schema.
        let sarif = try Self.run(["check", "--format", "sarif", tree], in: valid)
        #expect(sarif.status == 0)
        let results =
            ((try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])?["runs"]
            as? [[String: Any]])?
            .first?["results"] as? [[String: Any]] ?? []
        let suppressed = results.first { $0["ruleId"] as? String == "cloud-init" }?["suppressions"] as? [[String: Any]]
        #expect(
            suppressed?.first?["kind"] as? String == "external" && suppressed?.first?["status"] as? String == "accepted"
        )
        let sarifErrors = try Tools.validateJSON(
            [Data(sarif.stdout.utf8)], schema: try Fixtures.shared("schemas/sarif-schema-2.1.0.json"))
        #expect(sarifErrors.isEmpty, "\(sarifErrors)")
        let md = try Self.run(["check", "--format", "markdown", tree], in: valid)
        #expect(md.stdout.contains("_Waived until 2999-12-31: cloud-init 23.2 is in the next release"), "\(md.stdout)")

        let expired = try Self.folder(config: Self.waived.replacingOccurrences(of: "%@", with: "2001-01-31"))
        defer { try? FileManager.default.removeItem(atPath: expired) }
        let e = try Self.run(["check", tree], in: expired)
        #expect(e.status == 1)
        let udev = try #require(Self.finding(try Self.report(e.stdout), "udev-rule"))
        #expect((udev["waiver"] as? [String: Any])?["expired"] as? Bool == true)
        #expect((udev["summary"] as? String)?.contains("expired after 2001-01-31, so this counts again") == true)
    }

    @Test func pileWorkersApplyTheWaivers() throws {
        let tree = try Self.tree
        let dir = try Self.folder(config: Self.waived.replacingOccurrences(of: "%@", with: "2999-12-31"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(["check", "--jobs", "2", tree, tree], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    @Test func aWaiverForNoRequirementIsAUsageError() throws {
        let dir = try Self.folder(config: "waivers:\n  - {id: cloud-int, reason: typo, expires: 2999-01-01}\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(["check", try Self.tree], in: dir)
        #expect(r.status == 64)
        #expect(
            r.stderr.contains("imagegate.yaml:2:10: id: waiver for 'cloud-int', which is no requirement of this check"),
            "\(r.stderr)")
    }
}
