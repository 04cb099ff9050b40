import Foundation

/// `imagegate requirements --format`: the requirement catalogue of one or more profiles, with
/// what no image can show, for people (text, Markdown) and for tools (JSON, shaped by
/// `schema/requirements.schema.json`).
public enum CatalogueFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    public func render(_ profiles: [Profile]) throws -> Data {
        switch self {
        case .text: Data(CatalogueReporter.text(profiles).utf8)
        case .json: try CatalogueReporter.json(profiles)
        case .markdown: Data(CatalogueReporter.markdown(profiles).utf8)
        }
    }
}

enum CatalogueReporter {
    static func text(_ profiles: [Profile]) -> String {
        var out = ""
        for p in profiles {
            out += "Profile \(p.name): \(p.requirements.count) requirements\n\n"
            for r in p.requirements {
                out += "\(r.id) [\(r.severity.rawValue)]: \(r.title)\n"
                out += "  expected: \(r.expected)\n"
                out += "  source: \(r.reference)\n"
                out += "  fix: \(r.remediation)\n"
                if let limit = r.offlineLimit { out += "  offline: skipped on images: \(limit)\n" }
                out += "\n"
            }
        }
        out += "Not checkable from an image:\n"
        for item in OutOfScope.items { out += "  - \(item.topic): \(item.reason)\n" }
        return out
    }

    static func markdown(_ profiles: [Profile]) -> String {
        func cell(_ s: String) -> String { MarkdownReporter.cell(s) }
        var out = "# imagegate requirements\n\n"
        for p in profiles {
            out += "## Profile `\(p.name)` (\(p.requirements.count) requirements)\n\n"
            out += "| id | severity | requirement | expected | source | fix |\n|---|---|---|---|---|---|\n"
            for r in p.requirements {
                var title = cell(r.title)
                if let limit = r.offlineLimit { title += "<br>_Offline: skipped on images: \(cell(limit))_" }
                out +=
                    "| `\(r.id)` | \(r.severity.rawValue) | \(title) | \(cell(r.expected)) | \(cell(r.reference)) | \(cell(r.remediation)) |\n"
            }
            out += "\n"
        }
        out += "## Not checkable from an image\n\n"
        for item in OutOfScope.items { out += "- **\(cell(item.topic))**: \(cell(item.reason))\n" }
        return out
    }

    /// One object: `schemaVersion`, `tool`, `profiles` (each with its `requirements` in report
    /// order) and `outOfScope`. Keys sorted, so the output is byte-stable.
    static func json(_ profiles: [Profile]) throws -> Data {
        let doc: JSONValue = .object([
            "schemaVersion": .number(1),
            "tool": .object(["name": .string("imagegate"), "version": .string(ImageGate.version)]),
            "profiles": .array(
                profiles.map { p in
                    .object([
                        "name": .string(p.name),
                        "document": .string(p.document),
                        "requirements": .array(p.requirements.map(requirement)),
                    ])
                }),
            "outOfScope": .array(
                OutOfScope.items.map { .object(["topic": .string($0.topic), "reason": .string($0.reason)]) }),
        ])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(doc) + Data("\n".utf8)
    }

    static func requirement(_ r: Requirement) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(r.id),
            "title": .string(r.title),
            "severity": .string(r.severity.rawValue),
            "expected": .string(r.expected),
            "reference": .string(r.reference),
            "remediation": .string(r.remediation),
        ]
        if let limit = r.offlineLimit { o["offlineLimit"] = .string(limit) }
        if let doc = r.documentation { o["documentation"] = .string(doc) }
        return .object(o)
    }
}
