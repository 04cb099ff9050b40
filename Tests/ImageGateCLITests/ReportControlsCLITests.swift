import Foundation
import TestSupport
import Testing

/// `--quiet`, `--color` and `--severity` end to end on the bundled sample (3 musts fail, one
/// should warns).
@Suite struct ReportControlsCLITests {
    static func sample() throws -> String { try Fixtures.path("sample/sample.vhd") }
    static let escape = "\u{1B}["

    static func text(_ args: [String]) throws -> (status: Int32, out: String) {
        let r = try CLI.run(["check", try sample()] + args)
        return (r.status, String(decoding: r.stdout, as: UTF8.self))
    }

    @Test func quietShowsTheVerdictAndTheFailuresOnly() throws {
        let (status, out) = try Self.text(["--quiet"])
        #expect(status == 1)
        #expect(out.contains("FAIL  cloud-init") && out.contains("verdict: FAIL"))
        #expect(!out.contains("PASS") && !out.contains("SKIP") && !out.contains("networkd-unmanaged"), "\(out)")
        let full = try Self.text([]).out
        #expect(full.contains("PASS  kernel"))
    }

    @Test func colorIsOffForAPipeUnlessAlwaysAndNeverWins() throws {
        #expect(!(try Self.text([]).out.contains(Self.escape)), "auto: standard output is a pipe")
        #expect(try Self.text(["--color", "always"]).out.contains(Self.escape + "31mFAIL"))
        #expect(!(try Self.text(["--color", "never"]).out.contains(Self.escape)))
        let bad = try CLI.run(["check", try Self.sample(), "--color", "sometimes"])
        #expect(bad.status == 64)
    }

    /// On a terminal (a pseudo-terminal from script(1)): auto paints unless NO_COLOR is non-empty.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func autoOnATerminalHonoursANonEmptyNoColorOnly() throws {
        func onTerminal(_ noColor: String?) throws -> String {
            var argv: [String] = []
            argv += noColor.map { ["NO_COLOR=\($0)"] } ?? ["-u", "NO_COLOR"]
            argv += ["/usr/bin/script", "-qec", "'\(CLI.binary)' check '\(try Self.sample())' --quiet", "/dev/null"]
            return String(decoding: try Tools.run(argv).data, as: UTF8.self)
        }
        #expect(try onTerminal(nil).contains(Self.escape))
        #expect(try onTerminal("").contains(Self.escape), "an empty NO_COLOR counts as unset")
        #expect(!(try onTerminal("1").contains(Self.escape)))
    }

    @Test func severityFiltersEveryFormatAndTheExitCodeFollowsWhatIsShown() throws {
        let musts = try CLI.run(["check", try Self.sample(), "--severity", "must", "--format", "json"])
        #expect(musts.status == 1)
        let m = try JSONSerialization.jsonObject(with: musts.stdout) as? [String: Any] ?? [:]
        let mSeverities = Set((m["requirements"] as? [[String: Any]] ?? []).compactMap { $0["severity"] as? String })
        #expect(mSeverities == ["must"])

        // The sample's shoulds only warn: shown alone they pass, unless --strict.
        let shoulds = try CLI.run(["check", try Self.sample(), "--severity", "should", "--format", "json"])
        #expect(shoulds.status == 0, "\(shoulds.stderr)")
        let s = try JSONSerialization.jsonObject(with: shoulds.stdout) as? [String: Any] ?? [:]
        #expect(s["verdict"] as? String == "pass")
        #expect((s["requirements"] as? [[String: Any]] ?? []).allSatisfy { $0["severity"] as? String == "should" })
        #expect(try CLI.run(["check", try Self.sample(), "--severity", "should", "--strict"]).status == 1)

        let junit = String(
            decoding: try CLI.run(["check", try Self.sample(), "--severity", "should", "--format", "junit"]).stdout,
            as: UTF8.self)
        #expect(!junit.contains("name=\"cloud-init\"") && junit.contains("name=\"networkd-unmanaged\""))
        #expect(try CLI.run(["check", try Self.sample(), "--severity", "must,should"]).status == 1)
        #expect(try CLI.run(["check", try Self.sample(), "--severity", "critical"]).status == 64)
    }
}

/// `--sarif-docs-url` reaches the SARIF rules; a URL SARIF cannot take is a usage error.
@Suite struct SARIFDocsURLTests {
    @Test func theDocsURLBecomesEachRulesHelpURI() throws {
        let sample = try ReportControlsCLITests.sample()
        let r = try CLI.run([
            "check", sample, "--format", "sarif", "--sarif-docs-url", "https://example.test/ig/blob/main/",
        ])
        #expect(r.status == 1, "\(r.stderr)")
        let text = String(decoding: r.stdout, as: UTF8.self)
        #expect(
            text.contains("\"helpUri\" : \"https://example.test/ig/blob/main/docs/REQUIREMENTS.md#cloud-init\""),
            "\(text.prefix(400))")
        #expect(try CLI.run(["check", sample, "--sarif-docs-url", "docs/"]).status == 64)
    }
}

/// `imagegate requirements --format`.
@Suite struct RequirementsFormatCLITests {
    @Test func everyFormatPrintsAndJSONParses() throws {
        let json = try CLI.run(["requirements", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        // Every profile by default; `--profile` narrows it to one.
        #expect((doc?["profiles"] as? [Any])?.count == 2)
        let one = try CLI.run(["requirements", "--format", "json", "--profile", "azure-image"])
        let oneDoc = try JSONSerialization.jsonObject(with: one.stdout) as? [String: Any]
        #expect((oneDoc?["profiles"] as? [[String: Any]])?.map { $0["name"] as? String } == ["azure-image"])
        let md = try CLI.run(["requirements", "--format", "markdown"])
        #expect(String(decoding: md.stdout, as: UTF8.self).hasPrefix("# imagegate requirements\n"))
        let text = try CLI.run(["requirements"])
        #expect(String(decoding: text.stdout, as: UTF8.self).hasPrefix("Profile azure-accelerated-networking:"))
        #expect(try CLI.run(["requirements", "--format", "sarif"]).status == 64)
    }
}
