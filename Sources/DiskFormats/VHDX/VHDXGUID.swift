import BlockIO

/// A GUID as VHDX stores it: Data1 (u32), Data2 (u16), Data3 (u16) little-endian, then 8 bytes.
struct VHDXGUID: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init(_ r: inout ByteReader) throws(ImageError) {
        bytes = try r.bytes(16)
    }

    /// From the canonical text form; used only for the constants below.
    init(_ text: StaticString) {
        let hex = "\(text)".filter { $0 != "-" }
        var raw: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() {
            raw.append(UInt8(String([a, b]), radix: 16) ?? 0)
        }
        // Data1..Data3 are stored little-endian.
        bytes = [raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6]] + raw[8..<16]
    }

    var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    var description: String { UUIDText(bytes, layout: .mixedEndian).description }

    // MS-VHDX 2.2.3.2 (regions) and 2.6.2 (metadata items).
    static let batRegion = VHDXGUID("2DC27766-F623-4200-9D64-115E9BFD4A08")
    static let metadataRegion = VHDXGUID("8B7CA206-4790-4B9A-B8FE-575F050F886E")
    static let fileParameters = VHDXGUID("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")
    static let virtualDiskSize = VHDXGUID("2FA54224-CD1B-4876-B211-5DBED83BF4B8")
    static let virtualDiskID = VHDXGUID("BECA12AB-B2E6-4523-93EF-C309E000C746")
    static let logicalSectorSize = VHDXGUID("8141BF1D-A96F-4709-BA47-F233A8FAAB5F")
    static let physicalSectorSize = VHDXGUID("CDA348C7-445D-4471-9CC9-E9885251C556")
    static let parentLocator = VHDXGUID("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C")
    static let vhdxParentLocatorType = VHDXGUID("B04AEFB7-D19E-4A81-B789-25B8E9445913")
}
