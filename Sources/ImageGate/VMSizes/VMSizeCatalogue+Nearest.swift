extension VMSizeCatalogue {
    /// The names closest to `name` by edit distance (Levenshtein, case-insensitive), nearest first
    /// and alphabetical among equals: what a mistyped `--vm-size` is told it may have meant.
    /// Only names within half the longer name's length count, so a wild guess gets no suggestions.
    public func nearest(to name: String, limit: Int = 3) -> [String] {
        let wanted = Array(name.lowercased().unicodeScalars)
        let scored: [(distance: Int, name: String)] = sizes.values.compactMap { size in
            let candidate = Array(size.name.lowercased().unicodeScalars)
            let d = Self.editDistance(wanted, candidate)
            return d * 2 <= max(wanted.count, candidate.count) ? (d, size.name) : nil
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(max(0, limit)).map(\.name)
    }

    /// Insertions, deletions and substitutions, two rows of the usual table.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for (i, x) in a.enumerated() {
            current[0] = i + 1
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
