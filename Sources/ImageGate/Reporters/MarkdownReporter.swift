/// Markdown for a pull-request comment or a CI job summary: a table per image and the fixes.
public enum MarkdownReporter {
    static let icon: [Status: String] = [.pass: "✅ pass", .fail: "❌ fail", .warn: "⚠️ warn", .skip: "⏭️ skip"]

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }

    /// `quiet`: only the verdict and the findings that fail it.
    public static func render(_ reports: [Report], quiet: Bool = false) -> String {
        var out = "# imagegate report\n\n"
        for r in reports {
            out += "## `\(r.image.path)`"
            out += r.image.format.map { " (\($0))" } ?? ""
            out += "\n\n"
            if let e = r.error {
                out += "**Verdict: ERROR** — \(cell(e.line))\n\n"
                continue
            }
            out += "**Verdict: \(r.verdict.rawValue.uppercased())** — "
            out += r.counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + "\n\n"
            out += "| status | requirement | severity | found | expected |\n|---|---|---|---|---|\n"
            for f in (r.requirements ?? []) where !quiet || r.fails(f) {
                out +=
                    "| \(icon[f.status] ?? f.status.rawValue) | `\(f.id)` \(cell(f.title)) | \(f.severity.rawValue) | \(cell(f.found)) | \(cell(f.expected)) |\n"
            }
            let todo = (r.requirements ?? []).filter { $0.status == .fail || $0.status == .warn }
            if !todo.isEmpty {
                out += "\n### What to fix\n\n"
                for f in todo {
                    out += "- **`\(f.id)`** (\(f.status.rawValue)): \(cell(f.summary))"
                    if let w = f.waiver, !w.expired { out += " _Waived until \(w.expires): \(cell(w.reason))_" }
                    if let fix = f.remediation { out += " — \(cell(fix))" }
                    if !f.evidence.isEmpty {
                        out += " _Evidence: " + f.evidence.map { "`\($0)`" }.joined(separator: ", ") + "_"
                    }
                    out += "\n"
                }
            }
            out += "\n"
        }
        return out
    }
}
