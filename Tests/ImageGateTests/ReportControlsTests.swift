import ImageGate
import Testing

/// `--color` against `NO_COLOR`, and `--severity` on a report.
@Suite struct ReportControlsTests {
    @Test func autoPaintsOnlyATerminalWithoutANonEmptyNoColor() {
        #expect(ColorChoice.auto.enabled(toTerminal: true, environment: [:]))
        #expect(
            ColorChoice.auto.enabled(toTerminal: true, environment: ["NO_COLOR": ""]), "an empty NO_COLOR is not set")
        #expect(!ColorChoice.auto.enabled(toTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ColorChoice.auto.enabled(toTerminal: false, environment: [:]))
    }

    @Test func anExplicitChoiceBeatsNoColor() {
        #expect(ColorChoice.always.enabled(toTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!ColorChoice.never.enabled(toTerminal: true, environment: [:]))
    }

    @Test func severityKeepsItsFindingsAndDecidesTheVerdictFromThem() {
        let r = ReporterTests.reports[0]
        let musts = r.showing(severities: [.must])
        #expect(musts.requirements?.map(\.id) == ["kernel", "cloud-init", "vm-size"])
        #expect(musts.verdict == .fail)
        let shoulds = r.showing(severities: [.should])
        #expect(shoulds.requirements?.map(\.id) == ["networkd-unmanaged"])
        #expect(shoulds.verdict == .pass, "a warn alone passes without --strict")
        let strict = Report(
            image: r.image, profile: r.profile ?? "", findings: r.requirements ?? [], facts: .null, strict: true)
        #expect(strict.showing(severities: [.should]).verdict == .fail, "under --strict the shown warn fails")
        #expect(r.showing(severities: [.must, .should]) == r)
        let broken = ReporterTests.reports[1]
        #expect(broken.showing(severities: [.should]) == broken, "an unreadable image stays an error")
    }
}
