extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF (the whitespace of
    /// every text format the guest layers read; Unicode spaces are content there).
    public func trimmingASCIIWhitespace() -> String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isASCIIWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isASCIIWhitespace($0) })
        else { return "" }
        // Scalar boundaries both: `first` follows ASCII (or the start), and the end follows the
        // last byte of a scalar.
        return String(self[first..<bytes.index(after: last)])
    }

    /// Calls `body` with each line of the text (split at LF), trimmed of ASCII whitespace, as a
    /// byte slice of one copy of its UTF-8. Config files are read this way, not by Character: a
    /// byte scan is several times cheaper over thousands of lines, and CR LF, which is one
    /// Character, ends a line here as it does for the programs that read these files. Lines as
    /// `split(separator: omittingEmptySubsequences: false)` counts them: a final LF is followed
    /// by an empty line.
    public func forEachTrimmedLine(_ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        let bytes = Array(utf8)
        var start = 0
        while true {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            try body(bytes[start..<end].trimmingASCIIWhitespace())
            if end >= bytes.count { return }
            start = end + 1
        }
    }

    /// Whether the UTF-8 of `needle` occurs in the string's, byte for byte. Foundation's
    /// `contains` compares by Unicode rules through CFString: about a millisecond for cloud-init's
    /// `net/__init__.py` in every check, and not what a program matching bytes (Python) sees.
    public func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = Array(utf8)
        guard h.count >= n.count else { return false }
        var i = 0
        while i <= h.count - n.count {
            if h[i] == first && h[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }
}

/// Space, tab, CR or LF.
@inlinable public func isASCIIWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

extension ArraySlice<UInt8> {
    /// The slice without leading and trailing ASCII whitespace (`isASCIIWhitespace`).
    public func trimmingASCIIWhitespace() -> ArraySlice<UInt8> {
        guard let a = firstIndex(where: { !isASCIIWhitespace($0) }),
            let b = lastIndex(where: { !isASCIIWhitespace($0) })
        else { return self[endIndex..<endIndex] }
        return self[a...b]
    }

    /// The bytes as a String (invalid UTF-8 repaired with U+FFFD, as `String(decoding:)` does).
    public var string: String { String(decoding: self, as: UTF8.self) }
}
