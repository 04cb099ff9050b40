/// A 16-byte UUID as a format stores it, and the text Linux tools print for it (lower-case
/// 8-4-4-4-12, as `blkid` and `lsblk` show). The one home for that text: file systems store UUIDs
/// in RFC 9562 byte order, GPT and VHDX store Microsoft GUIDs whose first three fields are
/// little-endian.
public struct UUIDText: Hashable, Sendable, CustomStringConvertible {
    /// How the 16 bytes are laid out.
    public enum Layout: Sendable {
        /// RFC 9562 order, most significant byte first (ext4, XFS, btrfs).
        case bigEndian
        /// A Microsoft GUID: Data1 (u32), Data2 (u16), Data3 (u16) little-endian, then 8 bytes (GPT, VHDX).
        case mixedEndian
    }

    /// The bytes as stored.
    public let stored: [UInt8]
    public let layout: Layout

    public init(_ stored: [UInt8], layout: Layout) {
        self.stored = stored
        self.layout = layout
    }

    /// The bytes in RFC 9562 order (the order the text spells them).
    public var canonical: [UInt8] {
        guard layout == .mixedEndian, stored.count == 16 else { return stored }
        return [stored[3], stored[2], stored[1], stored[0], stored[5], stored[4], stored[7], stored[6]]
            + stored[8..<16]
    }

    /// Lower-case 8-4-4-4-12; empty for anything but 16 bytes (no format stores such a UUID).
    public var description: String {
        let bytes = canonical
        guard bytes.count == 16 else { return "" }
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append("-") }
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 0xF)])
        }
        return text
    }
}
