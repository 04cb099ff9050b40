import BlockIO
import Foundation
import TestSupport
import Testing

@testable import RemoteIO

@Suite("HTTPDevice") struct HTTPDeviceTests {
    @Test func readsRangesIdenticalToTheFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ig-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var bytes = [UInt8](repeating: 0, count: 3 * 1_048_576 + 1234)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: root.appendingPathComponent("disk.img"))
        let server = try NginxServer(root: root.path)
        let url = "http://127.0.0.1:\(server.port)/disk.img?sv=1&sig=SECRETSIG"
        let dev = try HTTPDevice(url: url, options: RemoteOptions(blockSize: 1 << 18))
        #expect(dev.size == UInt64(bytes.count))
        #expect(dev.displayURL == "http://127.0.0.1:\(server.port)/disk.img")
        for (off, n) in [(0, 512), (262_000, 1000), (3 * 1_048_576, 1234), (1_000_000, 700_000)] {
            let got = try dev.read(at: UInt64(off), count: n)
            #expect(got == Array(bytes[off..<(off + n)]))
        }
        #expect(dev.stats.requests >= 2)
        #expect(dev.stats.requests < 12)
        #expect(throws: ImageError.self) { try dev.read(at: UInt64(bytes.count), count: 1) }
    }

    @Test func missingImageIsAnHTTPErrorWithoutTheQuery() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ig-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try NginxServer(root: root.path)
        do {
            _ = try HTTPDevice(url: "http://127.0.0.1:\(server.port)/none.img?sig=SECRETSIG")
            Issue.record("opened a missing image")
        } catch let e as ImageError {
            #expect(e.layer == "http")
            #expect(e.kind == .notFound)
            #expect(!e.description.contains("SECRETSIG"))
            #expect(e.description.contains("404"))
        }
    }

    /// nginx answers a range of an empty file 200 with no body: an empty device, not an error.
    @Test func anEmptyObjectIsAnEmptyDevice() throws {
        let served = try ServedFile(size: 0, proxied: false)
        let dev = try HTTPDevice(url: served.url())
        #expect(dev.size == 0)
        #expect(dev.stats.requests == 1)
    }

    @Test func siblingKeepsTheQuery() {
        #expect(
            RemoteURL.sibling(of: "https://a.example/c/disk.qcow2?sv=1&sig=x", named: "base.qcow2")
                == "https://a.example/c/base.qcow2?sv=1&sig=x")
        #expect(RemoteURL.sibling(of: "https://a.example/c/disk.qcow2", named: "../etc/x") == nil)
        #expect(RemoteURL.sibling(of: "https://a.example/c/disk.qcow2", named: "/etc/x") == nil)
        #expect(RemoteURL.display("https://a/b?sig=x#f") == "https://a/b")
    }
}

@Suite("HTTPDevice refusals") struct HTTPDeviceRefusalTests {
    /// Python's http.server ignores Range and answers 200 with the whole file: must be refused.
    @Test func serverIgnoringRangeIsRefusedWithoutDownloadingTheImage() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ig-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(repeating: 7, count: 8 << 20).write(to: root.appendingPathComponent("disk.img"))
        let port = Int.random(in: 20000...60000)
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root.path, "\(port)"]
        py.standardError = FileHandle.nullDevice
        py.standardOutput = FileHandle.nullDevice
        try py.run()
        defer {
            kill(py.processIdentifier, SIGKILL)
            var status: Int32 = 0
            waitpid(py.processIdentifier, &status, 0)
        }
        var result: Result<HTTPDevice, Error> = .failure(ImageError("test", .io(errno: 0), "not started"))
        for _ in 0..<30 {
            usleep(200_000)
            result = Result {
                try HTTPDevice(
                    url: "http://127.0.0.1:\(port)/disk.img?sig=SECRETSIG", options: RemoteOptions(maximumTries: 1))
            }
            if case .failure(let e as ImageError) = result, e.detail.contains("200") { break }
        }
        guard case .failure(let e as ImageError) = result else {
            Issue.record("a server ignoring Range was accepted")
            return
        }
        #expect(e.layer == "http")
        #expect(e.detail.contains("ignored the Range request"))
        #expect(!e.description.contains("SECRETSIG"))
    }
}
