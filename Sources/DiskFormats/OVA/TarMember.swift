import BlockIO

/// One member of a tar file as OVA needs it: its name and where its bytes are (POSIX.1-2001
/// "pax Interchange Format" and the ustar header of POSIX.1-1988; GNU `L` long names).
struct TarMember: Sendable, Equatable {
    var name: String
    /// Header type flag: `0`/NUL regular, `5` directory, …
    var type: UInt8
    /// Device offset of the member's data.
    var dataOffset: UInt64
    var size: UInt64
    /// Device offset of its (first) header.
    var headerOffset: UInt64

    static let block = 512
    static let maximumExtendedHeader = 1 << 20
    static let maximumMembers = 100_000

    var isRegular: Bool { type == UInt8(ascii: "0") || type == 0 || type == UInt8(ascii: "7") }

    /// Does `block` look like a ustar or GNU tar header with a valid checksum? Pure, never throws.
    static func looksLikeHeader(_ block: ArraySlice<UInt8>) -> Bool {
        guard block.count >= 512 else { return false }
        let b = Array(block.prefix(512))
        guard Array(b[257..<262]) == Array("ustar".utf8) else { return false }
        guard let stored = parseNumber(b[148..<156]) else { return false }
        return checksum(b) == stored
    }

    /// Sum of the header bytes with the checksum field read as spaces.
    static func checksum(_ b: [UInt8]) -> UInt64 {
        var sum: UInt64 = 0
        for (i, x) in b.prefix(512).enumerated() { sum += (148..<156).contains(i) ? 32 : UInt64(x) }
        return sum
    }

    /// An octal field (NUL/space terminated) or a GNU base-256 field (high bit of byte 0 set).
    static func parseNumber(_ f: ArraySlice<UInt8>) -> UInt64? {
        guard let first = f.first else { return nil }
        if first & 0x80 != 0 {
            var v: UInt64 = UInt64(first & 0x7F)
            for x in f.dropFirst() {
                guard v >> 56 == 0 else { return nil }
                v = v << 8 | UInt64(x)
            }
            return v
        }
        var v: UInt64 = 0
        var any = false
        for x in f {
            if x == 0 || x == 32 { if any { break } else { continue } }
            guard (48...55).contains(x), v >> 60 == 0 else { return nil }
            v = v << 3 | UInt64(x - 48)
            any = true
        }
        return v
    }

    static func string(_ f: ArraySlice<UInt8>) -> String {
        String(decoding: f.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Walks the headers of the tar on `device`, collecting its members (bounded in count, and in
    /// the size of pax and long-name headers); stops at the end-of-archive zero block.
    static func list(_ device: any BlockDevice, layer: String) throws -> [TarMember] {
        var out: [TarMember] = []
        var offset: UInt64 = 0
        var paxPath: String?
        var paxSize: UInt64?
        var longName: String?
        var pendingHeader: UInt64?
        while offset + UInt64(block) <= device.size {
            let h = try device.read(at: offset, count: block, layer: layer)
            if h.allSatisfy({ $0 == 0 }) { break }
            guard Array(h[257..<262]) == Array("ustar".utf8) else {
                throw ImageError(layer, .badMagic, "tar header without ustar magic", at: offset + 257)
            }
            guard let stored = parseNumber(h[148..<156]), stored == checksum(h) else {
                throw ImageError(layer, .corrupt, "tar header checksum mismatch", at: offset + 148)
            }
            guard let headerSize = parseNumber(h[124..<136]) else {
                throw ImageError(layer, .corrupt, "tar size field not a number", at: offset + 124)
            }
            let type = h[156]
            let size = paxSize ?? headerSize
            let dataOffset = offset + UInt64(block)
            guard dataOffset <= device.size, size <= device.size - dataOffset else {
                throw ImageError(
                    layer, .truncated, "tar member of \(size) bytes runs past the end of the file", at: offset + 124)
            }
            let next = dataOffset + (size + UInt64(block) - 1) / UInt64(block) * UInt64(block)
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "L"):
                let n = try Checked.int(
                    headerSize, limit: maximumExtendedHeader, "tar extended header", layer, at: offset + 124)
                let data = try device.read(at: dataOffset, count: n, layer: layer)
                pendingHeader = pendingHeader ?? offset
                if type == UInt8(ascii: "L") {
                    longName = string(data[...])
                } else {
                    let pax = try parsePax(data, layer: layer, at: dataOffset)
                    paxPath = pax["path"] ?? paxPath
                    if let s = pax["size"] {
                        guard let v = UInt64(s) else {
                            throw ImageError(layer, .corrupt, "pax size '\(s)' not a number", at: dataOffset)
                        }
                        paxSize = v
                    }
                }
                offset = dataOffset + (headerSize + UInt64(block) - 1) / UInt64(block) * UInt64(block)
                continue
            case UInt8(ascii: "g"):
                offset = next
                continue
            default:
                break
            }
            var name = string(h[0..<100])
            let prefix = string(h[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
            name = paxPath ?? longName ?? name
            guard out.count < maximumMembers else {
                throw ImageError(layer, .limitExceeded, "more than \(maximumMembers) tar members", at: offset)
            }
            out.append(
                TarMember(
                    name: name, type: type, dataOffset: dataOffset, size: size, headerOffset: pendingHeader ?? offset))
            paxPath = nil
            paxSize = nil
            longName = nil
            pendingHeader = nil
            offset = next
        }
        return out
    }

    /// pax records: "<length> <key>=<value>\n", the length counting the whole record.
    static func parsePax(_ data: [UInt8], layer: String, at base: UInt64) throws -> [String: String] {
        var out: [String: String] = [:]
        var i = 0
        while i < data.count, data[i] != 0 {
            guard let space = data[i...].firstIndex(of: 32),
                let length = Int(String(decoding: data[i..<space], as: UTF8.self)),
                length > space - i, length <= data.count - i, data[i + length - 1] == 10,
                let eq = data[(space + 1)..<(i + length)].firstIndex(of: UInt8(ascii: "="))
            else {
                throw ImageError(layer, .corrupt, "malformed pax record", at: base + UInt64(i))
            }
            out[String(decoding: data[(space + 1)..<eq], as: UTF8.self)] = String(
                decoding: data[(eq + 1)..<(i + length - 1)], as: UTF8.self)
            i += length
        }
        return out
    }
}
