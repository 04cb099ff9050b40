import Foundation
import ImageGate
import TestSupport
import Testing

/// The suite's rule (`ConformanceVerdict`) on real reports: `IMAGEGATE_IMAGES=<debian12-disk>
/// swift test --filter Conformance` must fail exactly on the ids that image fails. Runs only in
/// the default mode (`make test`), where the fixtures exist; a pipeline's run skips it.
@Suite(.enabled(if: ConformanceImages.isBundledSample, "the suite's self-tests need the fixtures of make test"))
struct ConformanceVerdictTests {
    static func report(_ fixture: String) throws -> Report {
        ImageGate.check(try Fixtures.path(fixture)).report
    }

    static func failing(_ report: Report, strict: Bool = false, expected: Set<String> = []) -> [String] {
        // The ids of the report's own profile: the test of an id outside it is skipped, not failed.
        let profile = Profile.named(report.profile ?? "")?.requirements.map(\.id) ?? ConformanceTests.declaredIDs
        return ConformanceTests.declaredIDs.filter(profile.contains).filter {
            ConformanceVerdict.problem(id: $0, in: report, strict: strict, expectedFailures: expected) != nil
        }
    }

    @Test func theDebianDiskFailsExactlyItsFailingRequirements() throws {
        let report = try Self.report("debian12-disk/disk.qcow2")
        #expect(Self.failing(report) == ["cloud-init", "azure-vm-utils", "udev-rule"])
        let failed = (report.requirements ?? []).filter { $0.status == .fail }.map(\.id)
        #expect(Self.failing(report) == failed)
        let message = ConformanceVerdict.problem(id: "cloud-init", in: report, strict: false) ?? ""
        #expect(message.hasPrefix(report.image.path + ": cloud-init is fail: found "), "\(message)")
        #expect(message.contains("22.4."), "\(message)")
        #expect(message.contains("expected "), "\(message)")
    }

    @Test func warningsFailOnlyWhenStrict() throws {
        let report = try Self.report("debian12-disk/disk.qcow2")
        let findings = report.requirements ?? []
        let failOrWarn = findings.filter { $0.status == .fail || $0.status == .warn }.map(\.id)
        #expect(Self.failing(report, strict: true) == failOrWarn)
        for f in findings where f.status == .warn {
            let m = ConformanceVerdict.problem(id: f.id, in: report, strict: true) ?? ""
            #expect(m.contains("is warn") && m.contains("IMAGEGATE_STRICT=1"), "\(m)")
        }
    }

    @Test func theReadyDebianDiskFailsNothing() throws {
        let report = try Self.report("debian12-pass/disk.qcow2")
        #expect(Self.failing(report).isEmpty, "\(Self.failing(report))")
    }

    /// Default mode: the sample's designed failures pass their tests, and would fail them if the
    /// sample ever stopped failing (the ready Debian disk stands in for such a sample).
    @Test func theSamplesDesignedFailuresAreAsserted() throws {
        let sample = try Self.report("sample/sample.vhd")
        #expect(Self.failing(sample, expected: ConformanceVerdict.sampleDesignedFailures).isEmpty)
        #expect(Self.failing(sample) == ["cloud-init", "azure-vm-utils", "udev-rule"])
        let ready = try Self.report("debian12-pass/disk.qcow2")
        #expect(
            Self.failing(ready, expected: ConformanceVerdict.sampleDesignedFailures) == [
                "cloud-init", "azure-vm-utils", "udev-rule",
            ])
    }

    @Test func anUnreadableImageFailsEveryTestNamingTheLayer() {
        let report = Report(
            image: .init(path: "/x/zeros.raw"), error: .init(layer: "volumes", message: "no partition table"))
        #expect(Self.failing(report) == ConformanceTests.declaredIDs)
        #expect(
            ConformanceVerdict.problem(id: "kernel", in: report, strict: false)
                == "/x/zeros.raw: could not be read (volumes layer): no partition table")
    }

    @Test func aReportWithoutTheIDFails() {
        let report = Report(
            image: .init(path: "/x/a.vhd"), profile: "p", findings: [], facts: .object([:]), strict: false)
        #expect(
            ConformanceVerdict.problem(id: "kernel", in: report, strict: false)
                == "/x/a.vhd: the report has no finding for kernel (profile p)")
    }
}
