import FileSystems
import Testing

@Suite struct FSPathTests {
    @Test func parsesAndRefusesDotDot() throws {
        #expect(try FSPath("/etc//os-release").components == ["etc", "os-release"])
        #expect(throws: (any Error).self) { try FSPath("/etc/../passwd") }
        #expect(FSPath.root.description == "/")
    }
}
