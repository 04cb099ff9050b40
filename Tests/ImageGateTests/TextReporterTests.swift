import Foundation
import ImageGate
import Testing

/// The text format: an unreadable image's error is for standard error only, and no format names
/// the layer twice.
@Suite struct TextReporterTests {
    @Test(arguments: ReportFormat.allCases)
    func noFormatNamesTheLayerTwice(format: ReportFormat) throws {
        let out = String(decoding: try format.render(ReporterTests.reports), as: UTF8.self)
        #expect(!out.contains("qcow2: qcow2:"), "\(format) doubles the layer")
    }

    @Test func theErrorLineNamesTheLayerOnceAndThePath() {
        let line = ReporterTests.reports[1].errorLine
        #expect(line == "imagegate: error: qcow2: bad qcow2 header magic at byte 0 (/data/broken.qcow2)")
        #expect(ReporterTests.reports[0].errorLine == nil)
        // A message that does not start with its layer gets it, once.
        let bare = Report(
            image: .init(path: "x.vhd"), error: .init(layer: "vhd", message: "footer checksum mismatch at byte 512"))
        #expect(bare.errorLine == "imagegate: error: vhd: footer checksum mismatch at byte 512 (x.vhd)")
    }

    @Test func textLeavesTheErrorMessageToStandardError() throws {
        let out = String(decoding: try ReportFormat.text.render(ReporterTests.reports), as: UTF8.self)
        #expect(!out.contains("header magic"))
        #expect(out.contains("/data/broken.qcow2\n  verdict: ERROR (qcow2"))
    }

    @Test func quietShowsTheVerdictAndWhatFailsIt() throws {
        let r = ReporterTests.reports[0]
        let quiet = TextReporter(color: false, quiet: true).render(r)
        #expect(quiet.contains("FAIL  cloud-init"))
        #expect(!quiet.contains("kernel"))
        #expect(!quiet.contains("networkd-unmanaged"), "a warn does not fail the verdict without --strict")
        #expect(!quiet.contains("vm-size"))
        #expect(quiet.contains("verdict: FAIL"))
        let strict = Report(
            image: r.image, profile: r.profile ?? "", findings: r.requirements ?? [], facts: .null, strict: true)
        #expect(TextReporter(color: false, quiet: true).render(strict).contains("WARN  networkd-unmanaged"))
        let md = String(
            decoding: try ReportFormat.markdown.render([r], options: RenderOptions(quiet: true)), as: UTF8.self)
        #expect(md.contains("`cloud-init`") && !md.contains("`kernel`"))
    }
}
