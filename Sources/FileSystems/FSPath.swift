import BlockIO

/// A path inside one `FileSystem`, relative to its root: validated components with no empty,
/// `.`, `..` or `/` inside, so a file system never resolves anything (only `GuestTree` does).
public struct FSPath: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let components: [String]

    public static let root = FSPath(validated: [])

    private init(validated: [String]) { components = validated }

    /// Parses `"/a/b"` or `"a/b"`; repeated slashes are folded; `.` and `..` are refused.
    public init(_ string: String) throws {
        var parts: [String] = []
        for s in string.slashSeparatedComponents {
            guard s != ".", s != ".." else {
                throw ImageError("path", .unsupported, "'\(string)' contains '\(s)'")
            }
            parts.append(s)
        }
        components = parts
    }

    /// Builds a path from components, refusing invalid ones.
    public init(components: [String]) throws {
        for c in components { try Self.check(c) }
        self.components = components
    }

    private static func check(_ c: String) throws {
        // Bytes, as the file system sees a name (Foundation's `contains` went through CFString).
        if c.isEmpty || c == "." || c == ".." || c.utf8.contains(0x2F) || c.utf8.contains(0) {
            throw ImageError("path", .unsupported, "invalid path component '\(c)'")
        }
    }

    public var isRoot: Bool { components.isEmpty }
    public var name: String { components.last ?? "/" }
    public var parent: FSPath { FSPath(validated: Array(components.dropLast())) }

    /// Appends one component; throws for `.`, `..`, empty names or names with `/`.
    public func appending(_ name: String) throws -> FSPath {
        try Self.check(name)
        return FSPath(validated: components + [name])
    }

    /// `self` followed by `other`: both are valid already, so nothing is checked again (a guest
    /// lookup joins a mount's subpath and the path below it for every file it reads).
    public func appending(_ other: FSPath) -> FSPath { FSPath(validated: components + other.components) }

    public func hasPrefix(_ other: FSPath) -> Bool { components.starts(with: other.components) }

    /// The part of `self` below `prefix` (which must be a prefix).
    public func dropping(prefix: FSPath) -> FSPath {
        FSPath(validated: Array(components.dropFirst(prefix.components.count)))
    }

    public var description: String { "/" + components.joined(separator: "/") }

    public static func < (a: FSPath, b: FSPath) -> Bool { a.description < b.description }
}

extension String {
    /// The non-empty parts between `/` bytes, as a file system splits a path. Split as bytes:
    /// `split(separator: "/")` on the characters cost some 19,000 instructions a path (grapheme
    /// breaking), half of a guest path lookup; `/` is ASCII, so every part is whole UTF-8.
    public var slashSeparatedComponents: [String] {
        utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
    }

    /// The last of `slashSeparatedComponents` ("" for none), split the same way.
    public var lastPathComponent: String {
        utf8.split(separator: UInt8(ascii: "/")).last.map { String(Substring($0)) } ?? ""
    }
}
