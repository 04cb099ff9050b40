/// What a pile of reports adds up to: images per verdict and, per requirement, how many images
/// failed or warned it. Built one report at a time, so a streamed run need not keep the reports.
public struct PileSummary: Sendable, Equatable {
    public struct Tally: Sendable, Equatable {
        public var id: String
        public var failed = 0
        public var warned = 0
    }

    public private(set) var images = 0
    /// Images per verdict, every verdict present (zero included).
    public private(set) var verdicts: [Report.Verdict: Int] = [.pass: 0, .fail: 0, .error: 0]
    /// Requirements that failed or warned somewhere, in the order they first appeared (the
    /// profile's order).
    public private(set) var requirements: [Tally] = []

    public init() {}

    public init(_ reports: [Report]) {
        for r in reports { add(r) }
    }

    public mutating func add(_ report: Report) {
        images += 1
        verdicts[report.verdict, default: 0] += 1
        for f in report.requirements ?? [] where f.status == .fail || f.status == .warn {
            let i: Int
            if let found = requirements.firstIndex(where: { $0.id == f.id }) {
                i = found
            } else {
                requirements.append(Tally(id: f.id))
                i = requirements.count - 1
            }
            if f.status == .fail { requirements[i].failed += 1 } else { requirements[i].warned += 1 }
        }
    }

    static let order: [Report.Verdict] = [.pass, .fail, .error]

    /// `10 images: 7 pass, 2 fail, 1 error`.
    public var headline: String {
        "\(images) image\(images == 1 ? "" : "s"): "
            + Self.order.map { "\(verdicts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    }

    /// The text summary that ends a pile's text report.
    public var text: String {
        var out = "summary: \(headline)\n"
        let width = requirements.map(\.id.count).max() ?? 0
        for t in requirements {
            var parts: [String] = []
            if t.failed > 0 { parts.append("\(t.failed) failed") }
            if t.warned > 0 { parts.append("\(t.warned) warned") }
            out += "  \(t.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(parts.joined(separator: ", "))\n"
        }
        return out
    }

    /// The same summary as Markdown tables, for the end of a pile's Markdown report.
    public var markdown: String {
        var out = "## Summary\n\n| verdict | images |\n|---|---|\n"
        for v in Self.order { out += "| \(v.rawValue) | \(verdicts[v] ?? 0) |\n" }
        out += "| **total** | \(images) |\n"
        if !requirements.isEmpty {
            out += "\n| requirement | images failed | images warned |\n|---|---|---|\n"
            for t in requirements { out += "| `\(t.id)` | \(t.failed) | \(t.warned) |\n" }
        }
        return out + "\n"
    }
}
