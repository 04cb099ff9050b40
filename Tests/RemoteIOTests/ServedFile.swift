import Foundation
import TestSupport

/// A patterned file in a fresh folder served by nginx on 127.0.0.1, optionally behind a
/// `FaultProxy`; removed when released.
final class ServedFile {
    static let secret = "SECRETSIG"
    let root: URL
    let bytes: [UInt8]
    let server: NginxServer
    let proxy: FaultProxy?

    init(size: Int = 3 * 1_048_576 + 1234, proxied: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ig-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        self.bytes = bytes
        try Data(bytes).write(to: root.appendingPathComponent("disk.img"))
        server = try NginxServer(root: root.path)
        proxy = proxied ? try FaultProxy(upstreamPort: server.port) : nil
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The file's URL (through the proxy when there is one) with a SAS-like query.
    func url(query: String = "?sv=1&sig=\(ServedFile.secret)") -> String {
        "http://127.0.0.1:\(proxy?.port ?? server.port)/disk.img" + query
    }
}
