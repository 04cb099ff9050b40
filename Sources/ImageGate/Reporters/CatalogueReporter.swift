import Foundation

/// `imagegate requirements --format`: the requirement catalogue of one or more profiles, with
/// what no image can show, for people (text, Markdown) and for tools (JSON, shaped by
/// `schema/requirements.schema.json`).
public enum CatalogueFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    /// The catalogue of `profiles`, then each policy's requirements (`requirements --policy`), in
    /// the order `check` reports them.
    public func render(_ profiles: [Profile], policies: [Policy] = []) throws -> Data {
        switch self {
        case .text: Data(CatalogueReporter.text(profiles, policies: policies).utf8)
        case .json: try CatalogueReporter.json(profiles, policies: policies)
        case .markdown: Data(CatalogueReporter.markdown(profiles, policies: policies).utf8)
        }
    }
}

enum CatalogueReporter {
    /// How a policy's section is headed: its file, and its `name:` when it has one.
    static func heading(_ policy: Policy) -> String { policy.file + (policy.name.map { " (\($0))" } ?? "") }

    static func text(_ profiles: [Profile], policies: [Policy]) -> String {
        var out = ""
        let sections =
            profiles.map { ("Profile \($0.name)", $0.requirements) }
            + policies.map { ("Policy \(heading($0))", $0.requirements) }
        for (title, requirements) in sections {
            out += "\(title): \(requirements.count) requirements\n\n"
            for r in requirements {
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

    static func markdown(_ profiles: [Profile], policies: [Policy]) -> String {
        func cell(_ s: String) -> String { MarkdownReporter.cell(s) }
        var out = "# imagegate requirements\n\n"
        let sections =
            profiles.map { ("Profile `\($0.name)`", $0.requirements) }
            + policies.map { ("Policy `\(cell($0.file))`" + ($0.name.map { " (\(cell($0)))" } ?? ""), $0.requirements) }
        for (title, requirements) in sections {
            out += "## \(title) (\(requirements.count) requirements)\n\n"
            out += "| id | severity | requirement | expected | source | fix |\n|---|---|---|---|---|---|\n"
            for r in requirements {
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
    /// order), `policies` when some were given (each with its `file`, its `name` when it has one,
    /// and its `requirements`) and `outOfScope`. Keys sorted, so the output is byte-stable.
    static func json(_ profiles: [Profile], policies: [Policy]) throws -> Data {
        var doc: [String: JSONValue] = [
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
        ]
        if !policies.isEmpty {
            doc["policies"] = .array(
                policies.map { p in
                    var o: [String: JSONValue] = [
                        "file": .string(p.file), "requirements": .array(p.requirements.map(requirement)),
                    ]
                    if let name = p.name { o["name"] = .string(name) }
                    return .object(o)
                })
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(JSONValue.object(doc)) + Data("\n".utf8)
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
