import Foundation
import ImageGate
import Testing
import TestSupport

@Suite struct CatalogTests {
    /// The catalogue as the repository documents it.
    static func catalogue() throws -> String {
        try String(contentsOfFile: Fixtures.packageRoot + "/docs/REQUIREMENTS.md", encoding: .utf8)
    }

    /// The ids of the table under "## Requirements" in docs/REQUIREMENTS.md, in order.
    static func documentedIDs() throws -> [String] {
        let text = try Self.catalogue()
        guard let start = text.range(of: "## Requirements") else { return [] }
        var ids: [String] = []
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("###") { break }
            guard line.hasPrefix("| `") else { continue }
            let cell = line.dropFirst(3)
            if let end = cell.firstIndex(of: "`") { ids.append(String(cell[..<end])) }
        }
        return ids
    }

    @Test func idsEqualThoseOfTheDocumentedCatalog() throws {
        let documented = try Self.documentedIDs()
        #expect(documented.count == 14)
        #expect(Requirement.catalog.map(\.id) == documented)
    }

    @Test func idsAreUnique() {
        let ids = Requirement.catalog.map(\.id)
        #expect(Set(ids).count == ids.count)
    }

    @Test func severitiesMatchTheDocumentedTable() throws {
        let text = try Self.catalogue()
        for r in Requirement.catalog {
            #expect(text.contains("| `\(r.id)` | \(r.severity.rawValue) |"), "\(r.id) severity \(r.severity)")
        }
    }

    @Test func everyRequirementNamesItsSourceAndFix() {
        for r in Requirement.catalog {
            #expect(!r.reference.isEmpty && !r.remediation.isEmpty && !r.expected.isEmpty, "\(r.id)")
        }
    }
}
