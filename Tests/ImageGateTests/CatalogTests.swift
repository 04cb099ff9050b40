import Foundation
import ImageGate
import TestSupport
import Testing

/// Each profile against the document the repository publishes for it.
@Suite struct CatalogTests {
    static func document(_ name: String) throws -> String {
        try String(contentsOfFile: Fixtures.packageRoot + "/docs/" + name, encoding: .utf8)
    }

    /// The ids of the table rows (`| \`id\` | …`) under the heading `## <section>`, in order, up
    /// to the next heading.
    static func documentedIDs(_ text: String, section: String) -> [String] {
        guard let start = text.range(of: "\n## \(section)\n") else { return [] }
        var ids: [String] = []
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("| `") else { continue }
            let cell = line.dropFirst(3)
            if let end = cell.firstIndex(of: "`") { ids.append(String(cell[..<end])) }
        }
        return ids
    }

    /// docs/PROFILE-AZURE-IMAGE.md's sections, in the profile's order.
    static let azureImageSections = ["Container and disk", "Boot", "Provisioning", "Generalized and safe to share"]
    /// The sections whose requirements are implemented: each must equal the profile's ids exactly.
    static let azureImageImplemented = azureImageSections

    @Test func acceleratedNetworkingEqualsDocsRequirements() throws {
        let documented = Self.documentedIDs(try Self.document("REQUIREMENTS.md"), section: "Requirements")
        #expect(documented.count == 14)
        #expect(Profile.azureAcceleratedNetworking.requirements.map(\.id) == documented)
    }

    @Test func azureImageFollowsDocsProfile() throws {
        let text = try Self.document("PROFILE-AZURE-IMAGE.md")
        let all = Self.azureImageSections.flatMap { Self.documentedIDs(text, section: $0) }
        #expect(all.count == 24)
        let ids = Profile.azureImage.requirements.map(\.id)
        // Every id of the profile is documented, in the document's order …
        #expect(all.filter(ids.contains) == ids)
        // … and the implemented sections are complete, at the front.
        let implemented = Self.azureImageImplemented.flatMap { Self.documentedIDs(text, section: $0) }
        #expect(Array(ids.prefix(implemented.count)) == implemented)
    }

    @Test func catalogIsEveryProfile() {
        #expect(Requirement.catalog.map(\.id) == Profile.all.flatMap { $0.requirements.map(\.id) })
        #expect(Profile.all.map(\.name) == ["azure-accelerated-networking", "azure-image"])
    }

    @Test func idsAreUniqueAcrossProfiles() {
        let ids = Requirement.catalog.map(\.id)
        #expect(Set(ids).count == ids.count)
    }

    @Test func aListOfProfilesIsTheirRequirementsInOrder() throws {
        let both = try #require(Profile.named("azure-accelerated-networking,azure-image"))
        #expect(both.name == "azure-accelerated-networking,azure-image")
        #expect(
            both.requirements.map(\.id)
                == (Profile.azureAcceleratedNetworking.requirements + Profile.azureImage.requirements).map(\.id))
        let reversed = try #require(Profile.named("azure-image,azure-accelerated-networking"))
        #expect(reversed.requirements.first?.id == Profile.azureImage.requirements.first?.id)
        #expect(Profile.named("azure-image")?.name == "azure-image")
        for bad in ["azure-image,azure-image", "azure-image,", "", "nope", "azure-image,nope"] {
            #expect(Profile.named(bad) == nil, "\(bad)")
        }
        #expect(throws: ProfileListError.self) { try Profile.parse("azure-image,azure-image") }
    }

    @Test func severitiesMatchTheDocumentedTables() throws {
        let texts = [try Self.document("REQUIREMENTS.md"), try Self.document("PROFILE-AZURE-IMAGE.md")]
        for r in Requirement.catalog {
            #expect(
                texts.contains { $0.contains("| `\(r.id)` | \(r.severity.rawValue) |") },
                "\(r.id) severity \(r.severity)")
        }
    }

    @Test func schemaEnumHoldsEveryDocumentedID() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot + "/schema/report.schema.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let items = (root["properties"] as? [String: Any])?["requirements"] as? [String: Any]
        let id = ((items?["items"] as? [String: Any])?["properties"] as? [String: Any])?["id"] as? [String: Any]
        // anyOf: the built-in ids, or a policy file's own id (a pattern).
        let builtIn = (id?["anyOf"] as? [[String: Any]])?.first { $0["enum"] != nil }
        let schemaIDs = try #require(builtIn?["enum"] as? [String])
        let az = try Self.document("PROFILE-AZURE-IMAGE.md")
        let documented =
            Self.documentedIDs(try Self.document("REQUIREMENTS.md"), section: "Requirements")
            + Self.azureImageSections.flatMap { Self.documentedIDs(az, section: $0) }
        #expect(documented.count == 14 + 24)
        #expect(Set(schemaIDs) == Set(documented), "the schema's id enum is every documented id")
        #expect(Set(Requirement.catalog.map(\.id)).isSubset(of: schemaIDs))
    }

    @Test func everyRequirementNamesItsSourceAndFix() {
        for r in Requirement.catalog {
            #expect(!r.reference.isEmpty && !r.remediation.isEmpty && !r.expected.isEmpty, "\(r.id)")
        }
    }
}
