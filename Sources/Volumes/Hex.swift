/// Lower-case hex of a byte, two digits (`0x`-prefixed when asked): MBR types, GUID bytes.
func hex2(_ v: UInt8, prefix: Bool = false) -> String {
    let s = String(v, radix: 16)
    return (prefix ? "0x" : "") + (s.count < 2 ? "0" + s : s)
}

/// Lower-case hex of a 32-bit value, eight digits: MBR disk signatures, CRCs in messages.
func hex8(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}
