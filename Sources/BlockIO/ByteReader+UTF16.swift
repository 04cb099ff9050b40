/// UTF-16 text fields (GPT partition names, VHD parent names and locators, VHDX parent locators,
/// FAT long names): the one decoder, so every format ends a name at its first NUL the same way.
extension ByteReader {
    /// `units` little-endian UTF-16 code units (all consumed), as text up to the first NUL.
    public mutating func utf16le(units: Int) throws(ImageError) -> String {
        try utf16(units: units, bigEndian: false)
    }

    /// `units` big-endian UTF-16 code units (all consumed), as text up to the first NUL.
    public mutating func utf16be(units: Int) throws(ImageError) -> String {
        try utf16(units: units, bigEndian: true)
    }

    private mutating func utf16(units: Int, bigEndian: Bool) throws(ImageError) -> String {
        guard units >= 0, units <= remaining / 2 else {
            throw ImageError(layer, .truncated, "need \(units) UTF-16 units, \(remaining) bytes left", at: offset)
        }
        var out: [UInt16] = []
        out.reserveCapacity(units)
        for _ in 0..<units { out.append(bigEndian ? try u16be() : try u16le()) }
        return Self.text(utf16: out)
    }

    /// Code units as text up to the first NUL (what follows it is padding); ill-formed
    /// surrogates become U+FFFD.
    public static func text(utf16 units: [UInt16]) -> String {
        let end = units.firstIndex(of: 0) ?? units.endIndex
        return String(decoding: units[..<end], as: UTF16.self)
    }
}
