import Foundation
import ImageGate
import TestSupport
import Testing

/// docs/report-schema.md stays true: its example is a valid report, and it describes every field
/// the schema has.
@Suite struct SchemaDocTests {
    static let doc =
        (try? String(contentsOfFile: Fixtures.packageRoot + "/docs/report-schema.md", encoding: .utf8)) ?? ""

    @Test func theExampleValidatesAndDecodes() throws {
        let example = try #require(Self.doc.firstMatch(of: /```json\n(.*?)\n```/.dotMatchesNewlines())?.1)
        let data = Data(example.utf8)
        #expect(try Tools.validateJSON([data], schema: Fixtures.schema("report.schema.json")) == [])
        #expect(try JSONDecoder().decode(Report.self, from: data).verdict == .fail)
    }

    @Test func everySchemaFieldIsDescribed() throws {
        let schema =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: Fixtures.schema("report.schema.json")))) as? [String: Any]
        let top = (schema?["properties"] as? [String: Any])?.keys.sorted() ?? []
        let items =
            ((schema?["properties"] as? [String: Any])?["requirements"] as? [String: Any])?["items"] as? [String: Any]
        let finding = (items?["properties"] as? [String: Any])?.keys.sorted() ?? []
        #expect(!top.isEmpty && !finding.isEmpty)
        for field in top + finding {
            #expect(Self.doc.contains("| `\(field)` |"), "docs/report-schema.md does not describe `\(field)`")
        }
    }
}
