import BlockIO
import Testing

@Suite struct ByteReaderTests {
    @Test func readsBothByteOrders() throws {
        var r = ByteReader([1, 2, 3, 4, 5, 6, 7, 8], layer: "t", base: 100)
        #expect(try r.u16le() == 0x0201)
        #expect(try r.u16be() == 0x0304)
        #expect(try r.u32le() == 0x0807_0605)
        #expect(r.isAtEnd)
    }

    @Test func truncationNamesLayerAndOffset() {
        var r = ByteReader([1, 2, 3], layer: "qcow2", base: 4096)
        _ = try? r.u16le()
        #expect(throws: ImageError("qcow2", .truncated, "need 4 bytes, 1 left", at: 4098)) { try r.u32le() }
    }

    @Test func badMagicIsReported() {
        var r = ByteReader(Array("QFI".utf8) + [0], layer: "qcow2")
        do {
            try r.expect([0x51, 0x46, 0x49, 0xFB], "qcow2 header")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .badMagic)
            #expect(error.description == "qcow2: bad qcow2 header magic at byte 0")
        }
    }
}
