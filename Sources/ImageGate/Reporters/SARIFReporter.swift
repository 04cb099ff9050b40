import Foundation

/// SARIF 2.1.0: one run per image, a rule per requirement id, a result per requirement with the
/// image path as the artifact location (`fail` → error, `warn` → warning, `pass` and `skip` as
/// `kind` pass / notApplicable so viewers can show the full picture).
public enum SARIFReporter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    static let informationURI = "https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview"

    public static func render(_ reports: [Report]) throws -> Data {
        var runs: [JSONValue] = []
        for r in reports {
            runs.append(run(r))
        }
        let log: JSONValue = .object([
            "$schema": .string(schema),
            "version": .string("2.1.0"),
            "runs": .array(runs),
        ])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(log) + Data("\n".utf8)
    }

    static func run(_ r: Report) -> JSONValue {
        let findings = r.requirements ?? []
        let rules: [JSONValue] = findings.map { f in
            .object([
                "id": .string(f.id),
                "name": .string(f.id),
                "shortDescription": .object(["text": .string(f.title)]),
                "fullDescription": .object(["text": .string("\(f.title) (expected \(f.expected)). Source: \(f.reference)")]),
                "helpUri": .string(informationURI),
                "defaultConfiguration": .object(["level": .string(f.severity == .must ? "error" : "warning")]),
                "properties": .object(["tags": .array([.string(f.severity.rawValue)])]),
            ])
        }
        let location: JSONValue = .object([
            "physicalLocation": .object(["artifactLocation": .object(["uri": .string(uri(r.image.path)), "index": .number(0)])])
        ])
        var results: [JSONValue] = []
        for (i, f) in findings.enumerated() {
            let (level, kind): (String, String) =
                switch f.status {
                case .fail: ("error", "fail")
                case .warn: ("warning", "fail")
                case .pass: ("none", "pass")
                case .skip: ("none", "notApplicable")
                }
            var text = "\(f.summary) Found: \(f.found.isEmpty ? "nothing" : f.found); expected: \(f.expected)."
            if let fix = f.remediation, f.status == .fail || f.status == .warn { text += " Fix: \(fix)" }
            results.append(
                .object([
                    "ruleId": .string(f.id),
                    "ruleIndex": .number(Double(i)),
                    "level": .string(level),
                    "kind": .string(kind),
                    "message": .object(["text": .string(text)]),
                    "locations": .array([location]),
                    "properties": .object([
                        "status": .string(f.status.rawValue),
                        "evidence": .array(f.evidence.map { .string($0) }),
                    ]),
                ]))
        }
        var invocation: [String: JSONValue] = ["executionSuccessful": .bool(r.verdict != .error)]
        if let e = r.error {
            invocation["toolExecutionNotifications"] = .array([
                .object(["level": .string("error"), "message": .object(["text": .string("\(e.layer): \(e.message)")])])
            ])
        }
        return .object([
            "tool": .object([
                "driver": .object([
                    "name": .string("imagegate"),
                    "version": .string(ImageGate.version),
                    "informationUri": .string(informationURI),
                    "rules": .array(rules),
                ])
            ]),
            "artifacts": .array([.object(["location": .object(["uri": .string(uri(r.image.path))])])]),
            "invocations": .array([.object(invocation)]),
            "results": .array(results),
            "properties": .object(["profile": .string(r.profile ?? ""), "verdict": .string(r.verdict.rawValue)]),
        ])
    }

    /// A relative path stays relative (SARIF resolves it against the run); an absolute one is a file URI.
    static func uri(_ path: String) -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return path.hasPrefix("/") ? "file://" + escaped : escaped
    }
}
