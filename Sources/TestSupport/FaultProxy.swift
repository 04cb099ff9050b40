import Foundation
import Synchronization

/// A loopback HTTP/1.1 proxy for tests, in front of an upstream on 127.0.0.1 (NginxServer): it
/// forwards each GET and injects the faults of `Faults` on the way back, so retries, timeouts and
/// changed objects are tested against a real server's answers.
///
/// It listens on 127.0.0.1 at a port the kernel picks (bind to port 0), handles each client
/// connection on its own thread (so parallel requests overlap their latency, as on a real
/// network) and keeps client connections alive; each request goes to the upstream on a new
/// connection. Stopped (listener shut down, threads end) when released.
public final class FaultProxy: @unchecked Sendable {
    /// What to do to the requests that come; counters count down as faults are served.
    public struct Faults: Sendable {
        /// Answer this many requests with `503 Service Unavailable` and `Retry-After: retryAfter`.
        public var unavailable = 0
        public var retryAfter = 0
        /// Answer every request with this status (403 for a refused SAS), body empty.
        public var status: Int?
        /// Send the head and half the body of this many responses, then reset the connection (RST).
        public var resetMidBody = 0
        /// Send the head and half the body of this many responses, then close the connection
        /// normally (the client sees fewer bytes than Content-Length).
        public var truncateBody = 0
        /// From this request on (1-based), the object is replaced: responses carry a new ETag,
        /// and when `honourIfMatch`, a request whose `If-Match` names the old one gets 412.
        public var replaceAfter: Int?
        public var honourIfMatch = true
        /// Added before each request is forwarded.
        public var latency: Duration = .zero
        public init() {}
    }

    public let port: Int
    private let upstream: Int
    private let listener: Int32
    private let state:
        Mutex<(faults: Faults, requests: Int, connections: Int, tunnels: Int, ranges: [String], targets: [String])>

    public init(upstreamPort: Int, faults: Faults = Faults()) throws {
        upstream = upstreamPort
        state = Mutex((faults, 0, 0, 0, [], []))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.address(port: 0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw CocoaError(
                .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "fault proxy: cannot listen on 127.0.0.1"])
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        // Weak while blocked in accept, so releasing the proxy stops it (deinit shuts the listener).
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                guard let proxy = self else {
                    close(client)
                    return
                }
                proxy.state.withLock { $0.connections += 1 }
                Thread.detachNewThread { [weak proxy] in
                    proxy?.serve(client)
                    close(client)
                }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Requests received, client connections accepted, and the Range header of each request.
    public var requests: Int { state.withLock { $0.requests } }
    public var connections: Int { state.withLock { $0.connections } }
    /// CONNECT tunnels opened (https:// through this proxy).
    public var tunnels: Int { state.withLock { $0.tunnels } }
    public var ranges: [String] { state.withLock { $0.ranges } }
    /// The request target (path and query) of each request.
    public var targets: [String] { state.withLock { $0.targets } }

    /// Changes the faults for the requests that come next.
    public func set(_ faults: Faults) { state.withLock { $0.faults = faults } }

    /// What one request gets, decided under the lock so concurrent connections count faults once.
    private enum Action {
        case status(Int, retryAfter: Int?)
        case forward(etag: String?, cut: Cut?, latency: Duration)
    }
    private enum Cut { case reset, truncate }

    private func serve(_ client: Int32) {
        var pending: [UInt8] = []
        while let head = Self.readHead(client, &pending) {
            let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            // `CONNECT host:port` (an https:// image through `https_proxy`): a blind tunnel to the
            // upstream (a TLS nginx), counted, with no fault: the proxy cannot see inside TLS.
            if lines.first?.hasPrefix("CONNECT ") == true {
                state.withLock { $0.tunnels += 1 }
                Self.tunnel(client, to: upstream, already: pending)
                return
            }
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (
                    line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            }
            let ifMatch = headers.first { $0.0 == "if-match" }?.1
            let action: Action = state.withLock { s in
                s.requests += 1
                s.ranges.append(headers.first { $0.0 == "range" }?.1 ?? "")
                s.targets.append(
                    lines.first.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" } ?? "")
                if let status = s.faults.status { return .status(status, retryAfter: nil) }
                if s.faults.unavailable > 0 {
                    s.faults.unavailable -= 1
                    return .status(503, retryAfter: s.faults.retryAfter)
                }
                var etag: String?
                if let after = s.faults.replaceAfter {
                    let replaced = s.requests >= after
                    etag = replaced ? "\"replaced\"" : "\"original\""
                    if s.faults.honourIfMatch, let ifMatch, ifMatch != etag { return .status(412, retryAfter: nil) }
                }
                var cut: Cut?
                if s.faults.resetMidBody > 0 {
                    s.faults.resetMidBody -= 1
                    cut = .reset
                } else if s.faults.truncateBody > 0 {
                    s.faults.truncateBody -= 1
                    cut = .truncate
                }
                return .forward(etag: etag, cut: cut, latency: s.faults.latency)
            }
            switch action {
            case .status(let status, let retryAfter):
                var answer = "HTTP/1.1 \(status) Injected\r\nContent-Length: 0\r\n"
                if let retryAfter { answer += "Retry-After: \(retryAfter)\r\n" }
                guard Self.send(client, Array((answer + "\r\n").utf8)) else { return }
            case .forward(let etag, let cut, let latency):
                if latency > .zero {
                    Thread.sleep(
                        forTimeInterval: Double(latency.components.attoseconds) / 1e18
                            + Double(latency.components.seconds))
                }
                // If-Match is the proxy's business when it plays a replaced object (nginx's own
                // ETag would never match the played one).
                let forwarded = lines.filter { line in
                    let lower = line.lowercased()
                    return !lower.hasPrefix("connection:") && !(etag != nil && lower.hasPrefix("if-match:"))
                }
                let request =
                    forwarded.filter { !$0.isEmpty }.joined(separator: "\r\n") + "\r\nConnection: close\r\n\r\n"
                guard let (upstreamHead, body) = Self.fetchUpstream(port: upstream, request: Array(request.utf8)) else {
                    return
                }
                var respHead = upstreamHead.filter { !$0.lowercased().hasPrefix("connection:") }
                if let etag {
                    respHead = respHead.filter { !$0.lowercased().hasPrefix("etag:") } + ["ETag: \(etag)"]
                }
                let headBytes = Array((respHead.joined(separator: "\r\n") + "\r\n\r\n").utf8)
                switch cut {
                case nil:
                    guard Self.send(client, headBytes + body) else { return }
                case .truncate?:
                    _ = Self.send(client, headBytes + body.prefix(body.count / 2))
                    return
                case .reset?:
                    _ = Self.send(client, headBytes + body.prefix(body.count / 2))
                    var linger = Foundation.linger(l_onoff: 1, l_linger: 0)  // close sends RST
                    setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
                    return
                }
            }
        }
    }

    /// Answers a CONNECT with 200 and relays bytes both ways between `client` and the upstream
    /// until either side closes.
    private static func tunnel(_ client: Int32, to port: Int, already: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = address(port: port)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, connected == 0, send(client, Array("HTTP/1.1 200 Connection Established\r\n\r\n".utf8)),
            already.isEmpty || send(fd, already)
        else {
            close(fd)
            return
        }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            relay(from: fd, to: client)
            done.signal()
        }
        relay(from: client, to: fd)
        shutdown(fd, Int32(SHUT_RDWR))
        shutdown(client, Int32(SHUT_RDWR))
        done.wait()
        close(fd)
    }

    private static func relay(from source: Int32, to target: Int32) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if n <= 0 || !send(target, Array(chunk[..<n])) { break }
        }
        shutdown(target, Int32(SHUT_WR))
    }

    /// One request to the upstream on a new connection; the response head lines and the body.
    private static func fetchUpstream(port: Int, request: [UInt8]) -> ([String], [UInt8])? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = address(port: port)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0, send(fd, request) else { return nil }
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            all.append(contentsOf: chunk[..<n])
        }
        guard let end = headEnd(all) else { return nil }
        let head = String(decoding: all[..<end], as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        return (head, Array(all[(end + 4)...]))
    }

    /// Reads up to the end of one request head (`\r\n\r\n`); nil when the client closed.
    private static func readHead(_ fd: Int32, _ pending: inout [UInt8]) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 8192)
        while headEnd(pending) == nil {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            pending.append(contentsOf: chunk[..<n])
        }
        guard let end = headEnd(pending) else { return nil }
        let head = Array(pending[..<end])
        pending.removeFirst(end + 4)
        return head
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    private static func address(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}
