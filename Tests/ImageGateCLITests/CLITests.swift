import Foundation
import TestSupport
import Testing

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

/// An unreadable image in the text format: the error on stderr once, the layer named once, and
/// stdout only says ERROR.
@Suite struct CheckErrorOutputTests {
    @Test func theTextFormatPutsTheErrorOnStandardErrorOnce() throws {
        let zeros = try Tools.temporaryFile(Data(count: 1 << 20), suffix: ".raw")
        defer { try? FileManager.default.removeItem(atPath: zeros) }
        let r = try CLI.run(["check", zeros])
        #expect(r.status == 2)
        #expect(r.stderr.components(separatedBy: "imagegate: error: ").count == 2, "\(r.stderr)")
        let out = String(decoding: r.stdout, as: UTF8.self)
        #expect(out.contains("verdict: ERROR"))
        #expect(!out.contains("imagegate: error"))
        if let layer = r.stderr.split(separator: ":").dropFirst(2).first {
            #expect(!r.stderr.contains("\(layer):\(layer):"), "\(r.stderr)")
        }
    }
}
