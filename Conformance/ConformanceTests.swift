import Foundation
import Testing
import TestSupport

/// The images under test: `IMAGEGATE_IMAGES` (paths separated by `:`).
enum ConformanceImages {
    static let paths: [String] = {
        guard let env = ProcessInfo.processInfo.environment["IMAGEGATE_IMAGES"], !env.isEmpty else { return [] }
        return env.split(separator: ":").map(String.init)
    }()
}

@Suite struct ConformanceTests {
    @Test func namedImagesExist() {
        for p in ConformanceImages.paths {
            #expect(FileManager.default.fileExists(atPath: p), "IMAGEGATE_IMAGES names \(p), which does not exist")
        }
    }
}
