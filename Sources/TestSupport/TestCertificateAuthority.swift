import Foundation

/// A throwaway CA and a server certificate it signed for 127.0.0.1 (subjectAltName IP), made by
/// `openssl` in a fresh folder for a TLS test; removed when released.
public final class TestCertificateAuthority {
    public let directory: String
    /// The CA's certificate: what a client must trust.
    public var caCertificate: String { directory + "/ca.pem" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ig-ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=imagegate test CA",
            "-keyout", directory + "/ca.key", "-out", caCertificate,
        ])
        try Self.openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", serverKey, "-out",
            directory + "/server.csr",
        ])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        try Self.openssl([
            "x509", "-req", "-in", directory + "/server.csr", "-CA", caCertificate, "-CAkey", directory + "/ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", directory + "/san.ext", "-out", serverCertificate,
        ])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private static func openssl(_ arguments: [String]) throws {
        let r = try Tools.run(["openssl"] + arguments)
        guard r.status == 0 else {
            throw CocoaError(
                .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments[0]): \(r.stderr)"])
        }
    }
}
