import ImageGate
import Testing

@Suite struct VersionTests {
    @Test func versionIsSemantic() {
        #expect(ImageGate.version.split(separator: ".").count == 3)
    }
}
