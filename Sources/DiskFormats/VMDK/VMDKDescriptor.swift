import BlockIO

/// The text descriptor of a VMDK (VMware "Virtual Disk Format 1.1", "The Descriptor File"):
/// `key=value` lines (`createType`, `parentCID`, `parentFileNameHint`) and extent lines
/// `RW|RDONLY|NOACCESS <sectors> FLAT|SPARSE|ZERO|VMFS|VMFSSPARSE… ["file" [offset]]`.
struct VMDKDescriptor: Sendable, Equatable {
    static let maximumSize = 1 << 20
    static let maximumExtents = 4096

    enum ExtentType: String, Sendable {
        case flat = "FLAT"
        case sparse = "SPARSE"
        case zero = "ZERO"
        case vmfs = "VMFS"
        case vmfsSparse = "VMFSSPARSE"
        case vmfsRDM = "VMFSRDM"
        case vmfsRaw = "VMFSRAW"
    }
    struct Extent: Sendable, Equatable {
        var access: String
        var sectors: UInt64
        var type: ExtentType
        var file: String?
        /// Start of this extent in its file, in sectors (FLAT and VMFS only).
        var startSector: UInt64
        /// Device offset of the line, for errors.
        var lineOffset: UInt64
    }

    var values: [String: String] = [:]
    var extents: [Extent] = []

    var createType: String? { values["createType"] }
    /// A differencing disk names its parent's CID; `ffffffff` means none.
    var hasParent: Bool { (values["parentCID"].map { $0.lowercased() != "ffffffff" }) ?? false }

    /// Parses `bytes` (stopping at the first NUL: embedded descriptors are zero-padded).
    /// `base` is the device offset of `bytes[0]`.
    init(_ bytes: [UInt8], layer: String, base: UInt64) throws(ImageError) {
        guard bytes.count <= Self.maximumSize else {
            throw ImageError(layer, .limitExceeded, "descriptor of \(bytes.count) bytes", at: base)
        }
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        var lineStart = 0
        while lineStart < end {
            let lineEnd = bytes[lineStart..<end].firstIndex(of: 0x0A) ?? end
            let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            try parseLine(line, layer: layer, at: base + UInt64(lineStart))
            lineStart = lineEnd + 1
        }
        guard values["createType"] != nil || !extents.isEmpty else {
            throw ImageError(layer, .corrupt, "VMDK descriptor with neither createType nor extents", at: base)
        }
    }

    private mutating func parseLine(_ raw: String, layer: String, at: UInt64) throws(ImageError) {
        let line = Self.trim(raw)
        if line.isEmpty || line.hasPrefix("#") { return }
        let words = try Self.tokens(line, layer: layer, at: at)
        if let first = words.first, ["RW", "RDONLY", "NOACCESS"].contains(first) {
            guard extents.count < Self.maximumExtents else {
                throw ImageError(layer, .limitExceeded, "more than \(Self.maximumExtents) extents", at: at)
            }
            guard words.count >= 3, let sectors = UInt64(words[1]) else {
                throw ImageError(layer, .corrupt, "malformed extent line '\(line)'", at: at)
            }
            guard let type = ExtentType(rawValue: words[2]) else {
                throw ImageError(layer, .unsupported, "extent type \(words[2])", at: at)
            }
            var startSector: UInt64 = 0
            if words.count >= 5 {
                guard let s = UInt64(words[4]) else {
                    throw ImageError(layer, .corrupt, "malformed extent offset in '\(line)'", at: at)
                }
                startSector = s
            }
            let file = words.count >= 4 ? words[3] : nil
            guard type == .zero || file != nil else {
                throw ImageError(layer, .corrupt, "\(type.rawValue) extent without a file name", at: at)
            }
            extents.append(
                Extent(
                    access: first, sectors: sectors, type: type, file: file, startSector: startSector, lineOffset: at))
            return
        }
        guard let eq = line.firstIndex(of: "=") else {
            throw ImageError(layer, .corrupt, "malformed descriptor line '\(line)'", at: at)
        }
        let key = Self.trim(line[..<eq])
        var value = Self.trim(line[line.index(after: eq)...])
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        values[key] = value
    }

    /// Splits on spaces, keeping "quoted strings" (which may contain spaces) as one word.
    static func tokens(_ line: String, layer: String, at: UInt64) throws(ImageError) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for c in line {
            if quoted {
                if c == "\"" { quoted = false } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
                inWord = true
            } else if c == " " || c == "\t" || c == "\r" {
                if inWord { out.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        guard !quoted else { throw ImageError(layer, .corrupt, "unterminated quote in '\(line)'", at: at) }
        if inWord { out.append(current) }
        return out
    }
}

extension VMDKDescriptor {
    static func trim(_ s: some StringProtocol) -> String {
        let ws: Set<Character> = [" ", "\t", "\r", "\n"]
        guard let start = s.firstIndex(where: { !ws.contains($0) }), let end = s.lastIndex(where: { !ws.contains($0) })
        else { return "" }
        return String(s[start...end])
    }
}
