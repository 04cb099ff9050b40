extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF (the whitespace of
    /// every text format the guest layers read; Unicode spaces are content there).
    public func trimmingASCIIWhitespace() -> String {
        let ws: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !ws($0) }), let last = lastIndex(where: { !ws($0) }) else { return "" }
        return String(self[first...last])
    }
}
