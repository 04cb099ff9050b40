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
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: o, stderr: String(decoding: e, as: UTF8.self))
    }
}

@Suite struct CLITests {
    @Test func printsItsVersion() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(String(decoding: r.stdout, as: UTF8.self).hasPrefix("0."))
    }
}
