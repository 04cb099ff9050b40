import Foundation
import ImageGate
import TestSupport
import Testing

/// Every requirement's `documentation` (its SARIF `helpUri` below `--sarif-docs-url`) names a
/// heading that exists in its profile's document, and no two requirements share one.
@Suite struct RequirementDocumentTests {
    /// The anchors GitHub makes for a Markdown file: one per heading, plus explicit `<a id=…>`.
    static func anchors(_ path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: Fixtures.packageRoot + "/" + path, encoding: .utf8)
        var out = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            out.insert(Requirement.anchor(heading: line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)))
        }
        for m in text.matches(of: /<a (?:id|name)="([^"]+)"/) { out.insert(String(m.1)) }
        return out
    }

    @Test func everyRequirementsAnchorExistsInItsProfilesDocument() throws {
        var seen = Set<String>()
        for profile in Profile.all {
            let anchors = try Self.anchors(profile.document)
            for r in profile.requirements {
                let doc = try #require(r.documentation, "\(r.id)")
                #expect(doc == profile.document + "#" + r.id)
                #expect(anchors.contains(r.id), "\(profile.document) has no heading for `\(r.id)`")
                seen.insert(doc)
            }
        }
        #expect(seen.count == Set(Profile.all.flatMap(\.requirements).map(\.id)).count, "an anchor is shared")
    }

    @Test func anchorsAreGitHubs() {
        #expect(Requirement.anchor(heading: "`cloud-init`") == "cloud-init")
        #expect(
            Requirement.anchor(heading: "What is not checkable from an image, and says so")
                == "what-is-not-checkable-from-an-image-and-says-so")
        #expect(Requirement.anchor(heading: "`no_swap`") == "no_swap")
    }

    @Test func sarifRulesGetTheirOwnHelpURIBelowTheDocsURL() throws {
        let base = "https://example.test/imagegate/blob/v0.1.0"
        let data = try ReportFormat.sarif.render(
            ReporterTests.threeImages(), options: RenderOptions(baseDirectory: "/work/repo", documentationBase: base))
        #expect(try Tools.validateJSON([data], schema: try Fixtures.shared("schemas/sarif-schema-2.1.0.json")) == [])
        let log = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let rules =
            ((SARIFReporterTests.run(log)["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"]
            as? [[String: Any]] ?? []
        #expect(rules.count == 4)
        let uris = rules.map { $0["helpUri"] as? String ?? "" }
        #expect(Set(uris).count == rules.count, "\(uris)")
        for rule in rules {
            let id = rule["id"] as? String ?? ""
            #expect(rule["helpUri"] as? String == base + "/docs/REQUIREMENTS.md#" + id)
        }
    }
}
