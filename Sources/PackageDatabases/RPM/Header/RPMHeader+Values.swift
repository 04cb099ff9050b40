import BlockIO

/// Typed accessors. Each returns nil when the tag is absent and throws `.corrupt` when the
/// entry has a type the accessor cannot give (NAME stored as an integer): a header that lies
/// about a tag we need is an error, not a missing value.
extension RPMHeader {
    private func mismatch(_ e: Entry, _ wanted: String) -> ImageError {
        ImageError(Self.layer, .corrupt, "\(e.tag) has type \(e.type), expected \(wanted)", at: base)
    }

    /// Splits an entry's validated bytes into its `count` strings (lossy UTF-8, as rpm prints bytes).
    private func splitStrings(_ e: Entry) -> [String] {
        var out: [String] = []
        out.reserveCapacity(e.count)
        var start = e.range.lowerBound
        var i = start
        // The range ends just after the count-th NUL (validated in init), so this finds them all.
        while i < e.range.upperBound, out.count < e.count {
            if store[i] == 0 {
                out.append(String(decoding: store[start..<i], as: UTF8.self))
                start = i + 1
            }
            i += 1
        }
        return out
    }

    /// A STRING (or the first string of an I18NSTRING, as rpm's headerGetString gives it).
    public func string(_ tag: RPMTag) throws(ImageError) -> String? {
        guard let e = entry(tag) else { return nil }
        switch e.type {
        case .string, .i18nString: return splitStrings(e).first
        default: throw mismatch(e, "STRING")
        }
    }

    /// A STRING_ARRAY or I18NSTRING (a STRING gives one element).
    public func strings(_ tag: RPMTag) throws(ImageError) -> [String]? {
        guard let e = entry(tag) else { return nil }
        switch e.type {
        case .string, .stringArray, .i18nString: return splitStrings(e)
        default: throw mismatch(e, "STRING_ARRAY")
        }
    }

    /// CHAR, INT8, INT16, INT32 or INT64 values, widened (big-endian in the store).
    public func integers(_ tag: RPMTag) throws(ImageError) -> [UInt64]? {
        guard let e = entry(tag) else { return nil }
        guard let size = e.type.elementSize, size > 0, e.type != .bin else { throw mismatch(e, "an integer type") }
        var out: [UInt64] = []
        out.reserveCapacity(e.count)
        var p = e.range.lowerBound
        for _ in 0..<e.count {
            var v: UInt64 = 0
            for k in 0..<size { v = v << 8 | UInt64(store[p + k]) }
            out.append(v)
            p += size
        }
        return out
    }

    /// INT32 values (DIRINDEXES, EPOCH); other integer widths are a type mismatch.
    public func int32s(_ tag: RPMTag) throws(ImageError) -> [UInt32]? {
        guard let e = entry(tag) else { return nil }
        guard e.type == .int32 else { throw mismatch(e, "INT32") }
        return try integers(tag)?.map { UInt32(truncatingIfNeeded: $0) }
    }

    /// INT8 values.
    public func int8s(_ tag: RPMTag) throws(ImageError) -> [UInt8]? {
        guard let e = entry(tag) else { return nil }
        guard e.type == .int8 || e.type == .char else { throw mismatch(e, "INT8") }
        return Array(store[e.range])
    }

    /// INT16 values.
    public func int16s(_ tag: RPMTag) throws(ImageError) -> [UInt16]? {
        guard let e = entry(tag) else { return nil }
        guard e.type == .int16 else { throw mismatch(e, "INT16") }
        return try integers(tag)?.map { UInt16(truncatingIfNeeded: $0) }
    }

    /// INT64 values.
    public func int64s(_ tag: RPMTag) throws(ImageError) -> [UInt64]? {
        guard let e = entry(tag) else { return nil }
        guard e.type == .int64 else { throw mismatch(e, "INT64") }
        return try integers(tag)
    }

    /// BIN bytes.
    public func binary(_ tag: RPMTag) throws(ImageError) -> [UInt8]? {
        guard let e = entry(tag) else { return nil }
        guard e.type == .bin else { throw mismatch(e, "BIN") }
        return Array(store[e.range])
    }

    /// One recorded file: its directory (ending with `/`) and its name.
    public struct FileName: Sendable, Hashable {
        public let directory: String
        public let basename: String
        public var path: String { directory + basename }
    }

    /// The files the package installs: BASENAMES with their DIRNAMES through DIRINDEXES, or
    /// OLDFILENAMES (split at the last `/`) in headers older than rpm 4. Empty without files.
    /// - Throws: `.corrupt` when the three arrays disagree in length or an index is out of range.
    public func fileNames() throws(ImageError) -> [FileName] {
        if let basenames = try strings(.basenames) {
            guard let dirnames = try strings(.dirnames), let indexes = try int32s(.dirIndexes) else {
                throw ImageError(Self.layer, .corrupt, "BASENAMES without DIRNAMES or DIRINDEXES", at: base)
            }
            guard indexes.count == basenames.count else {
                throw ImageError(
                    Self.layer, .corrupt,
                    "\(basenames.count) BASENAMES but \(indexes.count) DIRINDEXES", at: base)
            }
            var out: [FileName] = []
            out.reserveCapacity(basenames.count)
            for (name, i) in zip(basenames, indexes) {
                guard let d = Int(exactly: i), d < dirnames.count else {
                    throw ImageError(
                        Self.layer, .corrupt, "DIRINDEXES entry \(i) for \(dirnames.count) DIRNAMES", at: base)
                }
                out.append(FileName(directory: dirnames[d], basename: name))
            }
            return out
        }
        return (try strings(.oldFilenames) ?? []).map { path in
            guard let slash = path.lastIndex(of: "/") else { return FileName(directory: "", basename: path) }
            return FileName(directory: String(path[...slash]), basename: String(path[path.index(after: slash)...]))
        }
    }

    /// The full paths of `fileNames()`.
    public func filePaths() throws(ImageError) -> [String] { try fileNames().map(\.path) }
}
