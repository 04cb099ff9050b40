import Testing

@testable import BlockIO

/// The slicing-by-8 engine against the published check values and a bit-at-a-time reference.
@Suite struct CRCTests {
    /// One bit at a time, straight from the definition: no table shared with the code under test.
    static func reference(_ polynomial: UInt32, _ seed: UInt32, _ bytes: [UInt8]) -> UInt32 {
        var c = seed
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ polynomial : c >> 1 }
        }
        return c
    }

    @Test func checkValues() {
        let digits = Array("123456789".utf8)
        #expect(CRC32C.checksum(digits) == 0xE306_9283)
        #expect(CRC32.ieee(digits) == 0xCBF4_3926)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// Every length around the 8-byte steps, slices that do not start at 0, and a checksum field
    /// inside, straddling either end of, or outside the slice.
    @Test func agreesWithTheBitwiseReference() {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for length in 0..<70 {
            for start in [0, 1, 5, 13] {
                let slice = data[start..<(start + length)]
                let seed = UInt32.random(in: 0...UInt32.max, using: &rng)
                #expect(CRC32C.update(seed, slice) == Self.reference(0x82F6_3B78, seed, Array(slice)))
                #expect(CRC32.update(seed, slice) == Self.reference(0xEDB8_8320, seed, Array(slice)))
                for field in [start - 6, start - 2, start, start + length / 2, start + length - 2, start + length + 1] {
                    var zeroed = data
                    for i in field..<(field + 4) where slice.indices.contains(i) { zeroed[i] = 0 }
                    let expected = Self.reference(0x82F6_3B78, seed, Array(zeroed[slice.indices]))
                    #expect(CRC32C.update(seed, slice, zeroing: field) == expected, "length \(length) field \(field)")
                }
            }
        }
    }
}
