import Foundation
import ImageGate
import TestSupport
import Testing

/// SARIF as GitHub code scanning takes it (docs.github.com "SARIF support for code scanning"):
/// one run per tool and category, only alerts as results, relative artifact URIs, a region,
/// stable fingerprints and rules with help.
@Suite struct SARIFReporterTests {
    static func render(_ reports: [Report], all: Bool = false, base: String? = "/work/repo") throws -> [String: Any] {
        let data = try ReportFormat.sarif.render(reports, options: RenderOptions(sarifAll: all, baseDirectory: base))
        let errors = try Tools.validateJSON([data], schema: try Fixtures.shared("schemas/sarif-schema-2.1.0.json"))
        #expect(errors == [])
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func run(_ log: [String: Any]) -> [String: Any] { (log["runs"] as? [[String: Any]])?.first ?? [:] }
    static func results(_ log: [String: Any]) -> [[String: Any]] { run(log)["results"] as? [[String: Any]] ?? [] }

    static func uri(_ result: [String: Any]) -> String {
        let loc = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        return (loc?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
    }

    @Test func threeImagesAreOneRunWithThreeArtifacts() throws {
        let log = try Self.render(ReporterTests.threeImages())
        #expect((log["runs"] as? [Any])?.count == 1, "GitHub rejects several runs with the same tool and category")
        let artifacts = Self.run(log)["artifacts"] as? [[String: Any]] ?? []
        let uris = artifacts.compactMap { ($0["location"] as? [String: Any])?["uri"] as? String }
        #expect(uris == ["images/a.vhd", "images/b.qcow2", "c.vmdk"])
        // Only fail and warn: one of each per image.
        let results = Self.results(log)
        #expect(results.count == 6)
        #expect(Set(results.compactMap { $0["level"] as? String }) == ["error", "warning"])
        #expect(Set(results.map(Self.uri)) == Set(uris))
    }

    @Test func sarifAllListsEveryStatus() throws {
        let log = try Self.render(ReporterTests.threeImages(), all: true)
        let results = Self.results(log)
        #expect(results.count == 12)
        #expect(Set(results.compactMap { $0["kind"] as? String }) == ["fail", "pass", "notApplicable"])
    }

    @Test func locationsAreRelativeToTheBaseWithARegion() throws {
        let reports = [
            Report(
                image: .init(path: "/work/repo/out/./disk.vhd"), profile: "p",
                findings: ReporterTests.reports[0].requirements!, facts: .null, strict: false),
            Report(
                image: .init(path: "/elsewhere/my disk.vhd"), profile: "p",
                findings: ReporterTests.reports[0].requirements!, facts: .null, strict: false),
        ]
        let log = try Self.render(reports)
        let run = Self.run(log)
        let base = (run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any]
        #expect(base?["uri"] as? String == "file:///work/repo/")
        let results = Self.results(log)
        #expect(Self.uri(results[0]) == "out/disk.vhd")
        #expect(Self.uri(results[2]) == "file:///elsewhere/my%20disk.vhd")
        for r in results {
            let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            #expect((loc?["region"] as? [String: Any])?["startLine"] as? Int == 1)
        }
        let first = (results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((first?["artifactLocation"] as? [String: Any])?["uriBaseId"] as? String == "%SRCROOT%")
    }

    @Test func fingerprintsAreStableAndDistinct() throws {
        func prints(_ log: [String: Any]) -> [String] {
            Self.results(log).compactMap { ($0["partialFingerprints"] as? [String: String])?["imagegate/v1"] }
        }
        let a = prints(try Self.render(ReporterTests.threeImages()))
        let b = prints(try Self.render(ReporterTests.threeImages(strict: true), all: false))
        #expect(a.count == 6)
        #expect(a == b)
        #expect(Set(a).count == a.count)
        // Fixed value: a change of the hash would reopen every alert on GitHub.
        let cloudInit = Self.results(try Self.render([ReporterTests.threeImages()[0]]))
            .first { $0["ruleId"] as? String == "cloud-init" }
        #expect((cloudInit?["partialFingerprints"] as? [String: String])?["imagegate/v1"] == a[0])
        #expect(a[0].count == 16)
    }

    @Test func rulesCarryHelpWithTheRemediationAndTheirOwnHelpURI() throws {
        let log = try Self.render(ReporterTests.threeImages())
        let rules =
            ((Self.run(log)["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == 4)
        for rule in rules {
            let id = rule["id"] as? String ?? ""
            let help = rule["help"] as? [String: String]
            let general = Requirement.catalog.first { $0.id == id }?.remediation ?? "?"
            #expect(help?["text"]?.contains(general) == true, "\(id): \(help ?? [:])")
            #expect(help?["markdown"]?.contains("**Fix:**") == true)
            #expect((rule["shortDescription"] as? [String: String])?["text"]?.isEmpty == false)
            #expect((rule["fullDescription"] as? [String: String])?["text"]?.isEmpty == false)
            #expect((rule["helpUri"] as? String)?.hasPrefix("https://") == true)
        }
        let uris = Dictionary(
            uniqueKeysWithValues: rules.map { ($0["id"] as? String ?? "", $0["helpUri"] as? String ?? "") })
        #expect(uris["kernel"]?.hasSuffix("#supported-operating-systems") == true)
        #expect(uris["vm-size"]?.hasSuffix("#supported-vm-instances") == true)
        #expect(uris["kernel"] != uris["cloud-init"])
    }

    @Test func anUnreadableImageIsANotificationNotAResult() throws {
        let log = try Self.render(ReporterTests.reports)
        let inv = (Self.run(log)["invocations"] as? [[String: Any]])?.first ?? [:]
        #expect(inv["executionSuccessful"] as? Bool == false)
        let notes = inv["toolExecutionNotifications"] as? [[String: Any]] ?? []
        #expect(notes.count == 1)
        #expect((notes.first?["message"] as? [String: String])?["text"] == "qcow2: bad qcow2 header magic at byte 0")
    }
}
