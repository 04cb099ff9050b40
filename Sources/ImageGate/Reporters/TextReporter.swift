/// A table a person reads in a terminal: status, id, found vs expected, and the fix.
/// Colour only when asked (the CLI decides with `--color` and `NO_COLOR`).
///
/// An unreadable image shows only `verdict: ERROR`: its message goes to standard error, once
/// (`Report.errorLine`), so a terminal never shows it twice.
public struct TextReporter: Sendable {
    public var color: Bool
    /// Only the verdict and the findings that fail it (`--quiet`).
    public var quiet: Bool
    public init(color: Bool, quiet: Bool = false) {
        self.color = color
        self.quiet = quiet
    }

    func paint(_ s: String, _ status: Status) -> String {
        guard color else { return s }
        let code =
            switch status {
            case .pass: "32"
            case .fail: "31"
            case .warn: "33"
            case .skip: "90"
            }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    public func render(_ reports: [Report]) -> String {
        reports.map(render).joined()
    }

    /// One image's block, ending with an empty line (so a caller streaming images can print each
    /// as it is done).
    public func render(_ r: Report) -> String {
        var head = r.image.path
        if let f = r.image.format { head += " (\(f)" + (r.image.virtualSize.map { ", \(Self.size($0))" } ?? "") + ")" }
        var out = head + "\n"
        if let e = r.error {
            return out + "  verdict: \(paint("ERROR", .fail)) (\(e.layer); the error is on standard error)\n\n"
        }
        let findings = (r.requirements ?? []).filter { !quiet || r.fails($0) }
        let idWidth = findings.map(\.id.count).max() ?? 0
        let indent = String(repeating: " ", count: idWidth + 10)
        for f in findings {
            let tag = paint(f.status.rawValue.uppercased().padding(toLength: 4, withPad: " ", startingAt: 0), f.status)
            let id = f.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            out += "  \(tag)  \(id)  \(f.summary)\n"
            if let w = f.waiver {
                out +=
                    "\(indent)\(w.expired ? "waiver expired" : "waived") (until \(w.expires), \(w.source)): \(w.reason)\n"
            }
            if f.status != .pass {
                out += "\(indent)found: \(f.found.isEmpty ? "nothing" : f.found)\n"
                out += "\(indent)expected: \(f.expected)\n"
                if !f.evidence.isEmpty { out += "\(indent)evidence: \(f.evidence.joined(separator: ", "))\n" }
                if let fix = f.remediation, f.status != .skip { out += "\(indent)fix: \(fix)\n" }
            }
        }
        let counts = r.counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
        out +=
            "  verdict: \(paint(r.verdict.rawValue.uppercased(), r.verdict == .pass ? .pass : .fail)) (\(counts))\n\n"
        return out
    }

    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        return v == v.rounded() ? "\(Int(v)) \(units[i])" : "\((v * 10).rounded() / 10) \(units[i])"
    }
}
