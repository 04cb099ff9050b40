import BlockIO
import Testing

/// Expects `body` to throw an `ImageError` of `kind` in the tests' layer "test", at `offset`,
/// whose detail contains `text`.
func expectCodecError(
    _ kind: ImageError.Kind, at offset: UInt64, containing text: String,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    let e = #expect(throws: ImageError.self, sourceLocation: sourceLocation) { try body() }
    #expect(e?.kind == kind, "\(String(describing: e))", sourceLocation: sourceLocation)
    #expect(e?.layer == "test", sourceLocation: sourceLocation)
    #expect(e?.offset == offset, sourceLocation: sourceLocation)
    #expect(e?.detail.contains(text) == true, "\(String(describing: e))", sourceLocation: sourceLocation)
}
