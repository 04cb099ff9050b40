import Foundation
import ImageGate
import Testing

/// Waivers match by id and image glob, hold through their expiry day (UTC), and never touch a
/// pass or a skip.
@Suite struct WaiverTests {
    static let here = SourceLocation(file: "c.yaml", line: 3, column: 9)

    static func finding(_ id: String, _ status: Status) -> Finding {
        Finding(
            id: id, title: id, severity: .must, status: status, expected: "", found: "", evidence: [],
            remediation: "fix",
            reference: "", summary: "Bad.")
    }

    static func at(_ iso: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: iso)) }

    @Test func holdsThroughItsExpiryDay() throws {
        let w = Waiver(id: "kernel", reason: "r", expires: "2026-12-03", location: Self.here)
        #expect(!w.isExpired(at: try Self.at("2026-12-03T23:59:59Z")))
        #expect(w.isExpired(at: try Self.at("2026-12-04T00:00:00Z")))
    }

    @Test func matchesByIdAndImageGlob() {
        let w = Waiver(id: "kernel", images: "*-gen1-*.vhd", reason: "r", expires: "2999-01-01", location: Self.here)
        #expect(w.matches(id: "kernel", image: "/images/ubuntu-gen1-2024.vhd"))
        #expect(w.matches(id: "kernel", image: "ubuntu-gen1-2024.vhd"))
        #expect(!w.matches(id: "drivers", image: "/images/ubuntu-gen1-2024.vhd"))
        #expect(!w.matches(id: "kernel", image: "/images/ubuntu-gen2-2024.vhd"))
        #expect(
            Waiver(id: "kernel", reason: "r", expires: "2999-01-01", location: Self.here).matches(
                id: "kernel", image: "/a/b.qcow2"))
    }

    @Test func aWaivedFailureLeavesTheVerdictAndAnExpiredOneDoesNot() throws {
        let now = try Self.at("2026-12-03T12:00:00Z")
        let findings = [
            Self.finding("kernel", .fail), Self.finding("drivers", .pass), Self.finding("rp-filter", .warn),
        ]
        let valid = [
            Waiver(id: "kernel", reason: "accepted", expires: "2026-12-03", location: Self.here),
            Waiver(id: "drivers", reason: "never used", expires: "2026-12-03", location: Self.here),
            Waiver(id: "rp-filter", reason: "accepted", expires: "2026-12-31", location: Self.here),
        ]
        let out = valid.apply(to: findings, image: "/i.vhd", at: now)
        #expect(
            out[0].waiver
                == FindingWaiver(reason: "accepted", expires: "2026-12-03", source: "c.yaml:3:9", expired: false))
        #expect(out[0].status == .fail)
        #expect(out[1].waiver == nil)
        let report = Report(
            image: .init(path: "/i.vhd"), profile: "p", findings: out, facts: .object([:]), strict: true)
        #expect(report.verdict == .pass)
        #expect(report.exitCode == 0)

        let later = valid.apply(to: findings, image: "/i.vhd", at: try Self.at("2026-12-04T00:00:01Z"))
        #expect(later[0].waiver?.expired == true)
        #expect(later[0].summary.hasSuffix("expired after 2026-12-03, so this counts again."))
        #expect(
            Report(image: .init(path: "/i.vhd"), profile: "p", findings: later, facts: .object([:]), strict: false)
                .verdict == .fail)
    }
}
