import BlockIO
import Testing

/// The shared decoders for on-disk text: UTF-16 names and UUIDs.
@Suite struct TextFieldTests {
    @Test func utf16EndsAtTheFirstNULAndConsumesEveryUnit() throws {
        // "Aé" then NUL then a unit that must not appear, then a trailing byte.
        var le = ByteReader([0x41, 0x00, 0xE9, 0x00, 0x00, 0x00, 0x42, 0x00, 0x7F], layer: "t", base: 10)
        #expect(try le.utf16le(units: 4) == "Aé")
        #expect(le.position == 8)
        var be = ByteReader([0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00], layer: "t")
        #expect(try be.utf16be(units: 3) == "A😀")
        #expect(be.isAtEnd)
    }

    @Test func utf16PastTheEndIsTruncatedAtTheField() {
        var r = ByteReader([0x41, 0x00, 0x42], layer: "gpt", base: 0x38)
        #expect(throws: ImageError("gpt", .truncated, "need 2 UTF-16 units, 3 bytes left", at: 0x38)) {
            try r.utf16le(units: 2)
        }
        #expect(throws: ImageError.self) { try r.utf16le(units: -1) }
    }

    @Test func loneSurrogatesDecodeAsReplacement() {
        #expect(ByteReader.text(utf16: [0xD800, 0x41]) == "\u{FFFD}A")
        #expect(ByteReader.text(utf16: [0, 0x41]) == "")
    }

    @Test func uuidTextInBothLayouts() {
        let bytes: [UInt8] = [
            0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B,
        ]
        #expect(UUIDText(bytes, layout: .bigEndian).description == "28732ac1-1ff8-d211-ba4b-00a0c93ec93b")
        // The EFI system partition type GUID as GPT stores it.
        #expect(UUIDText(bytes, layout: .mixedEndian).description == "c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
        #expect(UUIDText(bytes, layout: .mixedEndian).canonical.prefix(4) == [0xC1, 0x2A, 0x73, 0x28])
        #expect(UUIDText(Array(bytes.prefix(15)), layout: .bigEndian).description == "")
        #expect(
            UUIDText([UInt8](repeating: 0, count: 16), layout: .bigEndian).description
                == "00000000-0000-0000-0000-000000000000")
    }
}
