import Foundation

/// SARIF 2.1.0 shaped for GitHub code scanning.
///
/// GitHub rule followed: since 2025 code scanning rejects an upload holding several runs with the
/// same tool and category (changelog 2024-05-06, "code scanning will stop combining runs from a
/// single upload"), so every image of one `check` goes into **one run**, each image its own
/// artifact; the run sets no `automationDetails`, so the upload's `category` names it.
///
/// - Only `fail` (level `error`) and `warn` (level `warning`) become results, as every result is an
///   alert; `all` (`--sarif-all`) adds `pass` (kind `pass`) and `skip` (kind `notApplicable`).
/// - Artifact URIs are relative to `%SRCROOT%` (the base directory, given in `originalUriBaseIds`);
///   an image outside it keeps an absolute `file://` URI.
/// - Every location has a region (line 1: an image has no lines; GitHub needs one).
/// - `partialFingerprints` hash the rule id and the artifact URI, so the same finding on the same
///   image path is the same alert across runs; `primaryLocationLineHash` is given too, so the
///   upload action does not read a multi-gigabyte image to compute one itself.
/// - Rules carry `shortDescription`, `fullDescription`, `help.text` / `help.markdown` with the
///   remediation, and a `helpUri`: with a documentation base (`--sarif-docs-url`) the rule's own
///   heading in this repository's docs (`Requirement.documentation`, unique per id), else the section
///   of Microsoft's page it comes from (absolute, as SARIF requires of `helpUri`; several
///   requirements cite one section, and the tool cannot know where its repository is published).
public enum SARIFReporter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    static let page = "https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview"
    static let baseID = "%SRCROOT%"

    public static func render(
        _ reports: [Report], all: Bool = false, baseDirectory: String? = nil, documentationBase: String? = nil
    ) throws -> Data {
        let log: JSONValue = .object([
            "$schema": .string(schema),
            "version": .string("2.1.0"),
            "runs": .array([run(reports, all: all, baseDirectory: baseDirectory, documentationBase: documentationBase)]
            ),
        ])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(log) + Data("\n".utf8)
    }

    static func run(_ reports: [Report], all: Bool, baseDirectory: String?, documentationBase: String?) -> JSONValue {
        // Rules: every requirement id seen, in first-seen order.
        var ruleIDs: [String] = []
        var firstFinding: [String: Finding] = [:]
        for r in reports {
            for f in r.requirements ?? [] where firstFinding[f.id] == nil {
                firstFinding[f.id] = f
                ruleIDs.append(f.id)
            }
        }
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleIDs.enumerated().map { ($1, $0) })
        let rules = ruleIDs.compactMap { id in firstFinding[id].map { rule($0, documentationBase: documentationBase) } }

        var artifacts: [JSONValue] = []
        var results: [JSONValue] = []
        var notifications: [JSONValue] = []
        for (i, r) in reports.enumerated() {
            let location = artifactLocation(r.image.path, baseDirectory: baseDirectory)
            var indexed = location.json
            indexed["index"] = .number(Double(i))
            var properties: [String: JSONValue] = ["verdict": .string(r.verdict.rawValue)]
            if let f = r.image.format { properties["format"] = .string(f) }
            if let p = r.profile { properties["profile"] = .string(p) }
            artifacts.append(
                .object([
                    "location": .object(location.json), "roles": .array([.string("analysisTarget")]),
                    "properties": .object(properties),
                ]))
            let physical: JSONValue = .object([
                "physicalLocation": .object([
                    "artifactLocation": .object(indexed), "region": .object(["startLine": .number(1)]),
                ])
            ])
            if let e = r.error {
                notifications.append(
                    .object([
                        "level": .string("error"), "message": .object(["text": .string(e.line)]),
                        "locations": .array([physical]),
                    ]))
                continue
            }
            for f in r.requirements ?? [] where all || f.status == .fail || f.status == .warn {
                results.append(
                    result(
                        f, ruleIndex: ruleIndex[f.id] ?? 0, location: physical, uri: location.uri, image: r.image.path))
            }
        }
        var invocation: [String: JSONValue] = ["executionSuccessful": .bool(notifications.isEmpty)]
        if !notifications.isEmpty { invocation["toolExecutionNotifications"] = .array(notifications) }
        var run: [String: JSONValue] = [
            "tool": .object([
                "driver": .object([
                    "name": .string("imagegate"),
                    "version": .string(ImageGate.version),
                    "semanticVersion": .string(ImageGate.version),
                    "informationUri": .string(page),
                    "rules": .array(rules),
                ])
            ]),
            "artifacts": .array(artifacts),
            "invocations": .array([.object(invocation)]),
            "results": .array(results),
            "columnKind": .string("unicodeCodePoints"),
        ]
        if let baseDirectory {
            let dir = normalize(baseDirectory)
            run["originalUriBaseIds"] = .object([
                baseID: .object(["uri": .string(fileURI(dir == "/" ? "/" : dir + "/"))])
            ])
        }
        return .object(run)
    }

    static func rule(_ f: Finding, documentationBase: String?) -> JSONValue {
        let general = Requirement.catalog.first { $0.id == f.id }
        let remediation = general?.remediation ?? f.remediation ?? "See the source."
        let uri = helpURI(
            reference: general?.reference ?? f.reference, documentation: general?.documentation, base: documentationBase
        )
        let text = "\(f.title). Expected: \(f.expected). Fix: \(remediation) Source: \(f.reference)."
        let markdown =
            "**\(f.title)** (`\(f.id)`, \(f.severity.rawValue))\n\nExpected: \(f.expected).\n\n"
            + "**Fix:** \(remediation)\n\nSource: [\(f.reference)](\(uri))"
        return .object([
            "id": .string(f.id),
            "name": .string(f.id),
            "shortDescription": .object(["text": .string(f.title)]),
            "fullDescription": .object(["text": .string("\(f.title) (expected \(f.expected)). Source: \(f.reference)")]
            ),
            "help": .object(["text": .string(text), "markdown": .string(markdown)]),
            "helpUri": .string(uri),
            "defaultConfiguration": .object(["level": .string(f.severity == .must ? "error" : "warning")]),
            "properties": .object([
                "tags": .array([.string("azure"), .string("accelerated-networking"), .string(f.severity.rawValue)])
            ]),
        ])
    }

    static func result(_ f: Finding, ruleIndex: Int, location: JSONValue, uri: String, image: String) -> JSONValue {
        let (level, kind): (String, String) =
            switch f.status {
            case .fail: ("error", "fail")
            case .warn: ("warning", "fail")
            case .pass: ("none", "pass")
            case .skip: ("none", "notApplicable")
            }
        var text = "\(image): \(f.summary) Found: \(f.found.isEmpty ? "nothing" : f.found); expected: \(f.expected)."
        if let fix = f.remediation, f.status == .fail || f.status == .warn { text += " Fix: \(fix)" }
        let hash = fingerprint(f.id + "\u{0}" + uri)
        var result: [String: JSONValue] = [
            "ruleId": .string(f.id),
            "ruleIndex": .number(Double(ruleIndex)),
            "level": .string(level),
            "kind": .string(kind),
            "message": .object(["text": .string(text)]),
            "locations": .array([location]),
            "partialFingerprints": .object([
                "imagegate/v1": .string(hash), "primaryLocationLineHash": .string(hash + ":1"),
            ]),
            "properties": .object([
                "status": .string(f.status.rawValue),
                "severity": .string(f.severity.rawValue),
                "evidence": .array(f.evidence.map { .string($0) }),
            ]),
        ]
        // A waived finding (not expired) is an accepted external suppression, which code
        // scanning shows as closed instead of as an open alert.
        if let w = f.waiver, !w.expired {
            result["suppressions"] = .array([
                .object([
                    "kind": .string("external"), "status": .string("accepted"),
                    "justification": .string("\(w.reason) (until \(w.expires), \(w.source))"),
                ])
            ])
        }
        return .object(result)
    }

    /// The rule's heading in the repository's docs below `base`, when given; else the section of
    /// Microsoft's page a reference names (`…, section "Supported VM instances"`) as its anchor,
    /// and azure-vm-utils' own packaging points at its repository.
    static func helpURI(reference: String, documentation: String? = nil, base: String? = nil) -> String {
        if let base, let documentation { return (base.hasSuffix("/") ? base : base + "/") + documentation }
        if reference.hasPrefix("azure-vm-utils") { return "https://github.com/Azure/azure-vm-utils" }
        guard let start = reference.range(of: "section \"") else { return page }
        let rest = reference[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return page }
        var slug = ""
        for c in rest[..<end].lowercased() {
            if c.isLetter || c.isNumber { slug.append(c) } else if c == " " || c == "-" { slug.append("-") }
        }
        return page + "#" + slug
    }

    /// Where an image is, as SARIF says it: relative to `%SRCROOT%` when it lies below the base
    /// directory (or is relative and there is none), else an absolute `file://` URI.
    struct Location {
        var uri: String
        var relative: Bool

        var json: [String: JSONValue] {
            relative ? ["uri": .string(uri), "uriBaseId": .string(baseID)] : ["uri": .string(uri)]
        }
    }

    static func artifactLocation(_ path: String, baseDirectory: String?) -> Location {
        guard let baseDirectory else {
            if path.hasPrefix("/") { return Location(uri: fileURI(normalize(path)), relative: false) }
            let rel = normalize(path)
            return Location(uri: encode(rel), relative: !(rel.hasPrefix("../") || rel == ".."))
        }
        let base = normalize(baseDirectory)
        let absolute = normalize(path.hasPrefix("/") ? path : base + "/" + path)
        let prefix = base == "/" ? "/" : base + "/"
        if absolute.hasPrefix(prefix) {
            return Location(uri: encode(String(absolute.dropFirst(prefix.count))), relative: true)
        }
        return Location(uri: fileURI(absolute), relative: false)
    }

    /// `.` and `..` resolved by name only (the image is not looked at), duplicate slashes dropped.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if c == "..", path.hasPrefix("/") {
                continue
            } else {
                parts.append(c)
            }
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func encode(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }

    static func fileURI(_ absolute: String) -> String { "file://" + encode(absolute) }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across runs, machines and Swift versions (unlike
    /// `Hasher`, which is seeded per process).
    static func fingerprint(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
