import BlockIO

/// A tokenizer and recursive-descent parser for LVM2's configuration grammar, used for the VG
/// metadata text (lib/config/config.c):
///
///     file       := item*
///     item       := identifier '=' value | identifier '{' item* '}'
///     value      := simple | '[' (simple (',' simple)*)? ']'
///     simple     := "string" | 'string' | integer | float
///     comment    := '#' … end of line
///
/// Errors are `ImageError(layer: "lvm2", .corrupt)` naming the line; sections nest at most
/// `maximumDepth` deep.
public struct LVM2ConfigParser {
    public static let maximumDepth = 32

    private enum Token: Equatable {
        case identifier(String)
        case string(String)
        case integer(Int64)
        case float(Double)
        case punct(UInt8)  // { } [ ] = ,
        case end
    }

    private let text: [UInt8]
    private let base: UInt64
    private var pos = 0
    private var line = 1
    private var peeked: (Token, Int, Int)? = nil  // token, its line, its byte position

    /// - Parameters: `text` the metadata bytes; `base` the device offset of `text[0]` for errors.
    public init(_ text: [UInt8], base: UInt64 = 0) {
        self.text = text
        self.base = base
    }

    /// Parses the whole text into a root section named "".
    public static func parse(_ text: [UInt8], base: UInt64 = 0) throws(ImageError) -> LVM2ConfigSection {
        var p = LVM2ConfigParser(text, base: base)
        var root = LVM2ConfigSection(name: "", line: 1)
        try p.items(into: &root, depth: 0, closedBy: nil)
        return root
    }

    private func fail(_ what: String, line: Int, at position: Int) -> ImageError {
        ImageError("lvm2", .corrupt, "metadata text line \(line): \(what)", at: base + UInt64(position))
    }

    // MARK: parser

    private mutating func items(into section: inout LVM2ConfigSection, depth: Int, closedBy close: UInt8?)
        throws(ImageError)
    {
        while true {
            let (tok, tline, tpos) = try next()
            switch tok {
            case .end:
                if close != nil { throw fail("section '\(section.name)' is not closed", line: tline, at: tpos) }
                return
            case .punct(let c) where c == close:
                return
            case .identifier(let name):
                let (after, aline, apos) = try next()
                switch after {
                case .punct(UInt8(ascii: "=")):
                    guard section.values[name] == nil else {
                        throw fail("'\(name)' is assigned twice", line: tline, at: tpos)
                    }
                    section.values[name] = try value(for: name, line: tline)
                    section.valueLines[name] = tline
                case .punct(UInt8(ascii: "{")):
                    guard depth < Self.maximumDepth else {
                        throw fail("sections nested deeper than \(Self.maximumDepth)", line: tline, at: tpos)
                    }
                    var sub = LVM2ConfigSection(name: name, line: tline)
                    try items(into: &sub, depth: depth + 1, closedBy: UInt8(ascii: "}"))
                    section.sections.append(sub)
                default:
                    throw fail("expected '=' or '{' after '\(name)', found \(describe(after))", line: aline, at: apos)
                }
            default:
                throw fail("expected a name, found \(describe(tok))", line: tline, at: tpos)
            }
        }
    }

    /// The value of `name` (assigned on `line`, which a missing value's error names).
    private mutating func value(for name: String, line: Int) throws(ImageError) -> LVM2ConfigValue {
        let (tok, _, tpos) = try next()
        if tok == .punct(UInt8(ascii: "[")) {
            var elements: [LVM2ConfigValue] = []
            if try peek() == .punct(UInt8(ascii: "]")) {
                _ = try next()
                return .array(elements)
            }
            while true {
                let (e, eline, epos) = try next()
                guard let v = simple(e) else {
                    throw fail("expected an array element, found \(describe(e))", line: eline, at: epos)
                }
                elements.append(v)
                let (sep, sline, spos) = try next()
                if sep == .punct(UInt8(ascii: "]")) { return .array(elements) }
                guard sep == .punct(UInt8(ascii: ",")) else {
                    throw fail("expected ',' or ']' in an array, found \(describe(sep))", line: sline, at: spos)
                }
            }
        }
        guard let v = simple(tok) else {
            throw fail("expected a value for '\(name)', found \(describe(tok))", line: line, at: tpos)
        }
        return v
    }

    private func simple(_ t: Token) -> LVM2ConfigValue? {
        switch t {
        case .string(let s): return .string(s)
        case .integer(let i): return .integer(i)
        case .float(let f): return .float(f)
        default: return nil
        }
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .identifier(let s): return "'\(s)'"
        case .string: return "a string"
        case .integer, .float: return "a number"
        case .punct(let c): return "'\(Character(Unicode.Scalar(c)))'"
        case .end: return "the end of the text"
        }
    }

    // MARK: tokenizer

    private mutating func peek() throws(ImageError) -> Token {
        if let p = peeked { return p.0 }
        let t = try scan()
        peeked = t
        return t.0
    }

    private mutating func next() throws(ImageError) -> (Token, Int, Int) {
        if let p = peeked {
            peeked = nil
            return p
        }
        return try scan()
    }

    private static func isIdentifierByte(_ c: UInt8) -> Bool {
        // Anything printable that is not punctuation, a quote or a comment: LV names use [A-Za-z0-9+_.-].
        c > 0x20 && c < 0x7F && !"{}[]=,\"'#".utf8.contains(c)
    }

    private mutating func scan() throws(ImageError) -> (Token, Int, Int) {
        // Skip blanks and comments; a NUL ends the text (the on-disk copy is NUL-terminated).
        while pos < text.count {
            let c = text[pos]
            if c == 0 {
                pos = text.count
                break
            }
            if c == UInt8(ascii: "\n") {
                line += 1
                pos += 1
            } else if c == 0x20 || c == 0x09 || c == 0x0D {
                pos += 1
            } else if c == UInt8(ascii: "#") {
                while pos < text.count, text[pos] != UInt8(ascii: "\n") { pos += 1 }
            } else {
                break
            }
        }
        let start = pos
        guard pos < text.count else { return (.end, line, pos) }
        let c = text[pos]
        if "{}[]=,".utf8.contains(c) {
            pos += 1
            return (.punct(c), line, start)
        }
        let first = line
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            return (.string(try quoted(c)), first, start)
        }
        guard Self.isIdentifierByte(c) else {
            throw fail("unexpected byte 0x\(hex2(c))", line: line, at: pos)
        }
        while pos < text.count, Self.isIdentifierByte(text[pos]) { pos += 1 }
        let word = String(decoding: text[start..<pos], as: UTF8.self)
        if let number = Self.number(word) { return (number, first, start) }
        return (.identifier(word), first, start)
    }

    /// A decimal or 0x-hexadecimal integer, or a decimal float; nil for anything else.
    private static func number(_ w: String) -> Token? {
        var digits = Substring(w)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard let f = digits.first, f.isASCII, f.isNumber else { return nil }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            guard let v = Int64(digits.dropFirst(2), radix: 16) else { return nil }
            return .integer(negative ? -v : v)
        }
        if let v = Int64(digits) { return .integer(negative ? -v : v) }
        if digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            digits.filter({ $0 == "." }).count == 1, let d = Double(digits)
        {
            return .float(negative ? -d : d)
        }
        return nil
    }

    private mutating func quoted(_ quote: UInt8) throws(ImageError) -> String {
        let startLine = line
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while pos < text.count {
            let c = text[pos]
            if c == quote {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0 { break }
            if c == UInt8(ascii: "\n") { line += 1 }
            if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\""), pos + 1 < text.count {
                pos += 1
                if text[pos] == UInt8(ascii: "\n") { line += 1 }
            }
            out.append(text[pos])
            pos += 1
        }
        throw fail("string is not terminated", line: startLine, at: start)
    }
}
