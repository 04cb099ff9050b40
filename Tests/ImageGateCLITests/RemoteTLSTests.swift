import Foundation
import TestSupport
import Testing

/// `check https://…`: nginx over TLS (and HTTP/2) on 127.0.0.1 with a certificate from a CA made
/// by openssl for this test, trusted through `--ca-cert` or `SSL_CERT_FILE`, and refused otherwise.
@Suite(.serialized) struct RemoteTLSTests {
    static let fixture = "debian12-disk/disk.qcow2"

    static func run(_ args: [String], env: [String: String] = [:]) throws -> Tools.Output {
        try Tools.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), env.map { "\($0.key)=\($0.value)" } + [CLI.binary] + args)
    }

    @Test func httpsChecksTheSameAsFromDiskWithTheCATrusted() throws {
        let ca = try TestCertificateAuthority()
        let server = try NginxServer(root: Fixtures.directory, tls: (ca.serverCertificate, ca.serverKey))
        let url = "https://127.0.0.1:\(server.port)/\(Self.fixture)" + RemoteCheckTests.query
        let local = try CLI.run(["check", "--format", "json", try Fixtures.path(Self.fixture)])

        let trusted = try CLI.run(["check", "--format", "json", "--ca-cert", ca.caCertificate, url])
        #expect(trusted.status == local.status, "\(trusted.stderr)")
        #expect(try RemoteCheckTests.comparable(trusted.stdout).isEqual(try RemoteCheckTests.comparable(local.stdout)))

        let fromEnvironment = try Self.run(
            ["check", "--format", "json", url], env: ["SSL_CERT_FILE": ca.caCertificate])
        #expect(fromEnvironment.status == local.status, "\(fromEnvironment.stderr)")
        #expect(
            try RemoteCheckTests.comparable(fromEnvironment.data).isEqual(try RemoteCheckTests.comparable(local.stdout))
        )

        // Not trusted: an http error naming the certificate problem, never a silent fallback.
        let untrusted = try Self.run(["check", url], env: ["SSL_CERT_FILE": "/nonexistent-ca.pem"])
        #expect(untrusted.status == 2)
        #expect(untrusted.stderr.contains("http:"), "\(untrusted.stderr)")
        #expect(
            untrusted.stderr.lowercased().contains("certificate") || untrusted.stderr.contains("SSL"),
            "\(untrusted.stderr)")
        #expect(!untrusted.stderr.contains("c2VjcmV0"))
    }

    /// Every container that checks over HTTP checks the same over HTTPS (TLS, HTTP/2 where nginx
    /// offers it), its backing files and extents fetched as sibling https:// URLs.
    @Test(arguments: RemoteCheckTests.containers) func everyContainerChecksTheSameOverHTTPS(fixture: String) throws {
        let ca = try TestCertificateAuthority()
        let server = try NginxServer(root: Fixtures.directory, tls: (ca.serverCertificate, ca.serverKey))
        let url = "https://127.0.0.1:\(server.port)/\(fixture)" + RemoteCheckTests.query
        let local = try CLI.run(["check", "--format", "json", try Fixtures.path(fixture)])
        let remote = try CLI.run(["check", "--format", "json", "--ca-cert", ca.caCertificate, url])
        #expect(remote.status == local.status, "\(fixture): \(remote.stderr)")
        #expect(
            try RemoteCheckTests.comparable(remote.stdout).isEqual(try RemoteCheckTests.comparable(local.stdout)),
            "\(fixture): reports differ")
    }

    /// The flag reaches the pile's worker processes, and inspect takes it too.
    @Test func caCertReachesPileWorkersAndInspect() throws {
        let ca = try TestCertificateAuthority()
        let server = try NginxServer(root: Fixtures.directory, tls: (ca.serverCertificate, ca.serverKey))
        let url = "https://127.0.0.1:\(server.port)/\(Self.fixture)" + RemoteCheckTests.query
        let pile = try Self.run(["check", "--format", "json", "--ca-cert", ca.caCertificate, url, url])
        let reports = pile.stdout.split(separator: "\n")
        #expect(reports.count == 2, "\(pile.stderr)")
        #expect(!pile.stdout.contains("\"verdict\":\"error\""), "\(pile.stdout)\(pile.stderr)")
        let inspect = try Self.run(["inspect", "--ca-cert", ca.caCertificate, url])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let missing = try Self.run(["check", "--ca-cert", "/nonexistent-ca.pem", url])
        #expect(missing.status == 64, "\(missing.stderr)")
    }
}
