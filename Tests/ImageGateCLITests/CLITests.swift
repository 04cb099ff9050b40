import Foundation
import Testing
import TestSupport

/// Runs the built `imagegate` binary.
enum CLI {
    static var binary: String {
        let products = Bundle.main.bundleURL.deletingLastPathComponent().path
        for candidate in [products + "/imagegate", Fixtures.packageRoot + "/.build/debug/imagegate"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return products + "/imagegate"
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ args: [String]) throws -> Result {
        let r = try Tools.runProcess(URL(fileURLWithPath: binary), args)
        return Result(status: r.status, stdout: r.data, stderr: r.stderr)
    }
}

@Suite struct CLITests {
    @Test func printsItsVersion() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(String(decoding: r.stdout, as: UTF8.self).hasPrefix("0."))
    }
}
