import Foundation
import Testing
import TestSupport

/// libcurl's proxy variables reach imagegate: `http_proxy` sends the requests through a proxy
/// (FaultProxy forwards absolute-URI requests, which nginx accepts), `NO_PROXY` bypasses it.
/// `HTTPS_PROXY` is the same libcurl mechanism for https:// (a CONNECT tunnel), not tested here.
@Suite(.serialized) struct RemoteProxyTests {
    @Test func proxyVariablesAreHonoured() throws {
        let server = try NginxServer(root: Fixtures.directory)
        let proxy = try FaultProxy(upstreamPort: server.port)
        let url = "http://127.0.0.1:\(server.port)/debian12-disk/disk-fixed.vhd" + RemoteCheckTests.query
        let direct = try CLI.run(["check", "--format", "json", url])
        let proxied = try RemoteTLSTests.run(["check", "--format", "json", url], env: ["http_proxy": "http://127.0.0.1:\(proxy.port)"])
        #expect(proxied.status == direct.status, "\(proxied.stderr)")
        #expect(try RemoteCheckTests.comparable(proxied.data).isEqual(try RemoteCheckTests.comparable(direct.stdout)))
        let through = proxy.requests
        #expect(through > 0, "http_proxy was not used")
        let bypassed = try RemoteTLSTests.run(
            ["check", "--format", "json", url], env: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "127.0.0.1"])
        #expect(bypassed.status == direct.status, "\(bypassed.stderr)")
        #expect(proxy.requests == through, "NO_PROXY was not honoured")
    }
}
