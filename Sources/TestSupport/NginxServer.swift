import Foundation

/// Starts nginx from Debian on 127.0.0.1 at a free port, with its own temp prefix, serving `root`
/// (over TLS and HTTP/2 with `tls`: a certificate and key in PEM files);
/// killed (SIGKILL, then reaped) when released: `terminate()` + `waitUntilExit()` was seen to hang.
public final class NginxServer: @unchecked Sendable {
    public let port: Int
    let dir: URL
    let process: Process

    public init(root: String, tls: (certificate: String, key: String)? = nil) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ig-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var port = 0
        for _ in 0..<20 {
            port = Int.random(in: 20000...60000)
            if Self.loopback(port, bind) { break }
        }
        self.port = port
        let tlsConf = tls.map { "ssl_certificate \($0.certificate); ssl_certificate_key \($0.key);" } ?? ""
        let conf = """
            daemon off; master_process off; pid \(dir.path)/nginx.pid; error_log \(dir.path)/error.log;
            events { worker_connections 64; }
            http { access_log off; client_body_temp_path \(dir.path); proxy_temp_path \(dir.path);
              fastcgi_temp_path \(dir.path); uwsgi_temp_path \(dir.path); scgi_temp_path \(dir.path);
              server { listen 127.0.0.1:\(port)\(tls == nil ? "" : " ssl http2"); root \(root); \(tlsConf) } }
            """
        try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = [
            "-p", dir.path, "-c", dir.appendingPathComponent("nginx.conf").path, "-e", dir.path + "/error.log",
        ]
        try process.run()
        for _ in 0..<50 {
            usleep(100_000)
            if Self.loopback(port, connect) { return }
        }
    }

    /// Calls `bind` (is the port free?) or `connect` (is nginx listening?) on a new TCP socket
    /// for 127.0.0.1:`port`; true when it succeeded.
    static func loopback(
        _ port: Int, _ call: (Int32, UnsafePointer<sockaddr>?, socklen_t) -> Int32
    ) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                call(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        waitpid(process.processIdentifier, &status, 0)
        try? FileManager.default.removeItem(at: dir)
    }
}
