import BlockIO

/// What we need of an OVF descriptor (DMTF DSP0243 "Open Virtualization Format"): the files of
/// `References/File` (id → href) and the disks of `DiskSection/Disk` (fileRef), in document
/// order. A small tag scanner, not a full XML parser: element and attribute names are matched
/// without their namespace prefix, and the five predefined entities are decoded.
struct OVFEnvelope: Sendable, Equatable {
    static let maximumSize = 4 << 20
    static let maximumElements = 100_000

    struct Disk: Sendable, Equatable {
        var diskID: String
        var fileRef: String
        var capacity: String?
    }
    var files: [String: String] = [:]
    var disks: [Disk] = []

    init(_ bytes: [UInt8], layer: String, base: UInt64) throws(ImageError) {
        guard bytes.count <= Self.maximumSize else {
            throw ImageError(layer, .limitExceeded, "OVF descriptor of \(bytes.count) bytes", at: base)
        }
        var i = 0
        var elements = 0
        while let open = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = bytes[open...].firstIndex(of: UInt8(ascii: ">")) else {
                throw ImageError(layer, .corrupt, "OVF: unterminated tag", at: base + UInt64(open))
            }
            elements += 1
            guard elements <= Self.maximumElements else {
                throw ImageError(
                    layer, .limitExceeded, "OVF with more than \(Self.maximumElements) tags", at: base + UInt64(open))
            }
            let tag = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
            i = close + 1
            guard let first = tag.first, first != "/", first != "?", first != "!" else { continue }
            let (name, attributes) = Self.parseTag(tag)
            switch name {
            case "File":
                if let id = attributes["id"], let href = attributes["href"] { files[id] = href }
            case "Disk":
                if let ref = attributes["fileRef"] {
                    disks.append(
                        Disk(diskID: attributes["diskId"] ?? "", fileRef: ref, capacity: attributes["capacity"]))
                }
            default:
                break
            }
        }
    }

    /// Element name and attributes (prefixes dropped) of the text between `<` and `>`.
    static func parseTag(_ tag: String) -> (String, [String: String]) {
        let chars = Array(tag)
        var i = 0
        while i < chars.count, !chars[i].isWhitespace, chars[i] != "/" { i += 1 }
        let name = local(String(chars[0..<i]))
        var attributes: [String: String] = [:]
        while i < chars.count {
            while i < chars.count, chars[i].isWhitespace || chars[i] == "/" { i += 1 }
            let keyStart = i
            while i < chars.count, chars[i] != "=", !chars[i].isWhitespace { i += 1 }
            let key = local(String(chars[keyStart..<i]))
            while i < chars.count, chars[i].isWhitespace { i += 1 }
            guard i < chars.count, chars[i] == "=" else { break }
            i += 1
            while i < chars.count, chars[i].isWhitespace { i += 1 }
            guard i < chars.count, chars[i] == "\"" || chars[i] == "'" else { break }
            let quote = chars[i]
            i += 1
            let valueStart = i
            while i < chars.count, chars[i] != quote { i += 1 }
            attributes[key] = decode(String(chars[valueStart..<min(i, chars.count)]))
            i += 1
        }
        return (name, attributes)
    }

    static func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    static func decode(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&apos;": "'"]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            if let (entity, value) = entities.first(where: { rest.hasPrefix($0.key) }) {
                out += value
                rest = rest.dropFirst(entity.count)
            } else {
                out += "&"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }
}
