import BlockIO

/// The header extensions that follow the qcow2 header (qcow2 spec, "Header extensions"): the
/// backing file format, the feature name table and the external data file name. Other types
/// (bitmaps, encryption header) are skipped.
struct QCOW2HeaderExtensions: Sendable {
    static let end: UInt32 = 0x0000_0000
    static let backingFormat: UInt32 = 0xE279_2ACA
    static let featureNameTable: UInt32 = 0x6803_F857
    static let externalDataFile: UInt32 = 0x4441_5441
    /// More extensions than this in one header is not an image any tool wrote.
    static let maximumCount = 256

    /// A named feature bit from the feature name table.
    struct FeatureName: Sendable, Equatable {
        /// 0 incompatible, 1 compatible, 2 autoclear.
        let type: UInt8
        let bit: UInt8
        let name: String
    }

    var backingFormat: String?
    var featureNames: [FeatureName] = []
    var externalDataFile: String?

    /// Whether the extension list starting at `start` ends (with its end marker) inside `bytes`.
    static func endsWithin(_ bytes: [UInt8], from start: Int) -> Bool {
        var p = start
        for _ in 0...maximumCount {
            guard p >= 0, p + 8 <= bytes.count else { return false }
            let type = bytes[p..<p + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let length = bytes[p + 4..<p + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if type == end { return true }
            p += 8 + Int((length + 7) & ~7)
        }
        return true  // too many: let the parser report it
    }

    /// Parses extensions from `r` (positioned at the first one) up to the end of `r`, which the
    /// caller bounds to the header cluster (and to the backing file name, when there is one).
    init(_ r: inout ByteReader) throws(ImageError) {
        var count = 0
        while r.remaining >= 8 {
            let at = r.offset
            let type = try r.u32be()  // +0 type
            let length = try r.u32be()  // +4 length of the data
            if type == Self.end { return }
            count += 1
            guard count <= Self.maximumCount else {
                throw ImageError("qcow2", .limitExceeded, "more than \(Self.maximumCount) header extensions", at: at)
            }
            let padded = (UInt64(length) + 7) & ~7
            guard padded <= UInt64(r.remaining) else {
                throw ImageError(
                    "qcow2", .corrupt,
                    "header extension 0x\(String(type, radix: 16)) of \(length) bytes overruns the header",
                    at: at)
            }
            var data = try r.sub(Int(length))  // +8 data
            try r.skip(Int(padded) - Int(length))
            switch type {
            case Self.backingFormat:
                guard length > 0, length < 16 else {
                    throw ImageError("qcow2", .corrupt, "backing format name of \(length) bytes", at: at)
                }
                backingFormat = Self.text(try data.bytes(Int(length)))
            case Self.featureNameTable:
                while data.remaining >= 48 {
                    let type = try data.u8()  // +0 feature type
                    let bit = try data.u8()  // +1 bit number
                    let name = Self.text(try data.bytes(46))  // +2 name, NUL padded
                    featureNames.append(FeatureName(type: type, bit: bit, name: name))
                }
            case Self.externalDataFile:
                externalDataFile = Self.text(try data.bytes(Int(length)))
            default:
                break  // bitmaps, full disk encryption header, unknown: not needed to read data
            }
        }
    }

    /// Bytes up to the first NUL as text, non-printable characters escaped.
    static func text(_ bytes: [UInt8]) -> String {
        let trimmed = bytes.prefix { $0 != 0 }
        return String(decoding: trimmed, as: UTF8.self).unicodeScalars
            .map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
    }

    /// The name the image gives an incompatible feature bit, else "bit N".
    func incompatibleName(_ bit: Int) -> String {
        featureNames.first { $0.type == 0 && Int($0.bit) == bit }.map { "'\($0.name)' (bit \(bit))" } ?? "bit \(bit)"
    }
}
