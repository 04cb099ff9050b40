import Foundation
import ImageGate
import TestSupport
import Testing

/// `requirements --format`: the catalogue for tools (JSON, against its schema) and for people.
@Suite struct CatalogueFormatTests {
    static let profiles = Profile.all

    @Test func jsonValidatesAndHoldsEveryRequirementInOrder() throws {
        let data = try CatalogueFormat.json.render(Self.profiles)
        #expect(try Tools.validateJSON([data], schema: Fixtures.schema("requirements.schema.json")) == [])
        let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let listed = doc["profiles"] as? [[String: Any]] ?? []
        #expect(listed.compactMap { $0["name"] as? String } == Profile.all.map(\.name))
        for (p, l) in zip(Profile.all, listed) {
            #expect(l["document"] as? String == p.document)
            #expect(
                (l["requirements"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    == p.requirements.map(\.id))
        }
        #expect(listed.first?["document"] as? String == "docs/REQUIREMENTS.md")
        let requirements = listed.first?["requirements"] as? [[String: Any]] ?? []
        let vf = requirements.first { $0["id"] as? String == "vf-traffic" }
        #expect(vf?["offlineLimit"] as? String == Requirement.catalog.first { $0.id == "vf-traffic" }?.offlineLimit)
        #expect(vf?["documentation"] as? String == "docs/REQUIREMENTS.md#vf-traffic")
        #expect((doc["outOfScope"] as? [Any])?.count == OutOfScope.items.count)
        #expect(try CatalogueFormat.json.render(Self.profiles) == data, "byte-stable")
    }

    @Test func theSchemaRefusesWhatTheCatalogueMustNotBe() throws {
        var doc =
            try JSONSerialization.jsonObject(with: try CatalogueFormat.json.render(Self.profiles)) as? [String: Any]
            ?? [:]
        var profiles = doc["profiles"] as? [[String: Any]] ?? []
        var requirements = profiles[0]["requirements"] as? [[String: Any]] ?? []
        requirements[0]["severity"] = "may"
        profiles[0]["requirements"] = requirements
        doc["profiles"] = profiles
        let bad = try JSONSerialization.data(withJSONObject: doc)
        #expect(try Tools.validateJSON([bad], schema: Fixtures.schema("requirements.schema.json")).count == 1)
    }

    @Test func markdownHasARowPerRequirementAndTheOutOfScopeList() throws {
        let md = String(decoding: try CatalogueFormat.markdown.render(Self.profiles), as: UTF8.self)
        for r in Requirement.catalog { #expect(md.contains("| `\(r.id)` | \(r.severity.rawValue) |"), "\(r.id)") }
        #expect(md.contains("## Not checkable from an image"))
        for item in OutOfScope.items { #expect(md.contains(item.topic)) }
    }

    @Test func textNamesEachRequirementWithItsFix() throws {
        let text = String(decoding: try CatalogueFormat.text.render(Self.profiles), as: UTF8.self)
        #expect(
            text.hasPrefix(
                "Profile azure-accelerated-networking: \(Profile.azureAcceleratedNetworking.requirements.count) requirements\n"
            ))
        #expect(text.contains("\nProfile azure-image: \(Profile.azureImage.requirements.count) requirements\n"))
        for r in Requirement.catalog {
            #expect(text.contains("\(r.id) [\(r.severity.rawValue)]: \(r.title)\n  expected: "))
        }
        #expect(text.contains("Not checkable from an image:\n"))
    }
}
