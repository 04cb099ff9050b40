import Foundation
import TestSupport
import Testing

/// libcurl's proxy variables reach imagegate: `http_proxy` sends the requests through a proxy
/// (FaultProxy forwards absolute-URI requests, which nginx accepts), `HTTPS_PROXY` sends https://
/// requests through a CONNECT tunnel (FaultProxy relays it to a TLS nginx), `NO_PROXY` bypasses both.
@Suite(.serialized) struct RemoteProxyTests {
    @Test func proxyVariablesAreHonoured() throws {
        let server = try NginxServer(root: Fixtures.directory)
        let proxy = try FaultProxy(upstreamPort: server.port)
        let url = "http://127.0.0.1:\(server.port)/debian12-disk/disk-fixed.vhd" + RemoteCheckTests.query
        let direct = try CLI.run(["check", "--format", "json", url])
        let proxied = try RemoteTLSTests.run(
            ["check", "--format", "json", url], env: ["http_proxy": "http://127.0.0.1:\(proxy.port)"])
        #expect(proxied.status == direct.status, "\(proxied.stderr)")
        #expect(try RemoteCheckTests.comparable(proxied.data).isEqual(try RemoteCheckTests.comparable(direct.stdout)))
        let through = proxy.requests
        #expect(through > 0, "http_proxy was not used")
        let bypassed = try RemoteTLSTests.run(
            ["check", "--format", "json", url],
            env: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "127.0.0.1"])
        #expect(bypassed.status == direct.status, "\(bypassed.stderr)")
        #expect(proxy.requests == through, "NO_PROXY was not honoured")
    }

    @Test func httpsProxyTunnelsAndNoProxyBypassesIt() throws {
        let ca = try TestCertificateAuthority()
        let server = try NginxServer(root: Fixtures.directory, tls: (ca.serverCertificate, ca.serverKey))
        let proxy = try FaultProxy(upstreamPort: server.port)
        let url = "https://127.0.0.1:\(server.port)/debian12-disk/disk-fixed.vhd" + RemoteCheckTests.query
        let direct = try CLI.run(["check", "--format", "json", "--ca-cert", ca.caCertificate, url])
        let tunnelled = try RemoteTLSTests.run(
            ["check", "--format", "json", "--ca-cert", ca.caCertificate, url],
            env: ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"])
        #expect(tunnelled.status == direct.status, "\(tunnelled.stderr)")
        #expect(try RemoteCheckTests.comparable(tunnelled.data).isEqual(try RemoteCheckTests.comparable(direct.stdout)))
        let through = proxy.tunnels
        #expect(through > 0, "HTTPS_PROXY was not used")
        #expect(proxy.requests == 0, "nothing but tunnels: the proxy never saw a request in the clear")
        let bypassed = try RemoteTLSTests.run(
            ["check", "--format", "json", "--ca-cert", ca.caCertificate, url],
            env: ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "127.0.0.1"])
        #expect(bypassed.status == direct.status, "\(bypassed.stderr)")
        #expect(proxy.tunnels == through, "NO_PROXY was not honoured")
    }
}
