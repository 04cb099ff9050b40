import Foundation
import ImageGate
import Testing

/// The DocC getting-started article (Sources/ImageGate/ImageGate.docc/GettingStarted.md) compiles
/// as written, with `import ImageGate` alone: its Swift blocks are the bodies below, verbatim,
/// in a file that imports nothing else of ours, and a test checks that the two have not drifted.
/// The bodies are compiled, never run: they name images that do not exist.
enum GettingStartedArticle {
    static func checkAndRender() throws {
        let result = ImageGate.check("disk.vhd", options: CheckOptions(strict: false, vmSize: "Standard_D4s_v5"))
        let report = result.report
        print(report.verdict)  // .pass, .fail or .error
        for finding in report.requirements ?? [] where finding.status != .pass {
            print(finding.id, finding.status, finding.found, "→", finding.remediation ?? "")
        }
        print("read \(result.bytesRead) bytes in \(result.reads) reads")
        let sarif = try ReportFormat.sarif.render([report], options: RenderOptions(baseDirectory: "/src"))
        let text = try ReportFormat.text.render([report], options: RenderOptions(color: true, quiet: true))
        _ = (sarif, text)
    }

    static func openOptions() {
        var options = CheckOptions(profile: .azureAcceleratedNetworking)
        options.open = OpenOptions(allowExternalFiles: false, root: "lv rhel/root", extraDisks: ["data.vhd"])
        let rhel = ImageGate.check("rhel.vhd", options: options)
        print(rhel.report.verdict)
    }

    static func lookInside() throws {
        let image = try ImageGate.openImage("disk.vhd")
        for name in try image.names(inDirectory: "/etc") { print(name) }
        try image.read("/etc/os-release") { bytes in print(String(decoding: bytes, as: UTF8.self), terminator: "") }
        print(image.inspect().facts?.os.prettyName ?? "?", "read \(image.bytesRead) bytes")
    }
}

@Suite struct GettingStartedTests {
    static let here = URL(fileURLWithPath: #filePath)
    static let article = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ImageGate/ImageGate.docc/GettingStarted.md")

    /// Every line of every Swift block of the article but the Package.swift one appears in this
    /// file, in order within its block (imports at the top, the rest in a body above).
    @Test func theArticlesSwiftBlocksAreCompiledHere() throws {
        let markdown = try String(contentsOf: Self.article, encoding: .utf8)
        let source = try String(contentsOf: Self.here, encoding: .utf8)
        let blocks = markdown.matches(of: /```swift\n((?:.*\n)*?)```/).map { String($0.1) }
        #expect(blocks.count >= 4, "\(blocks.count) Swift blocks")
        for block in blocks where !block.hasPrefix("// Package.swift") {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let imports = lines.filter { $0.hasPrefix("import ") }
            for i in imports { #expect(source.hasPrefix(i + "\n") || source.contains("\n" + i + "\n"), "\(i)") }
            let body = lines.filter { !$0.hasPrefix("import ") }.map { "        " + $0 + "\n" }.joined()
            #expect(source.contains(body), "not compiled here verbatim:\n\(body)")
        }
    }
}
