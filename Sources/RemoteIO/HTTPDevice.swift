import BlockIO
import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private let curlGlobal: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

/// Collects one response: body (capped, so a server ignoring Range cannot make us download the
/// whole image) and headers of the last response.
private final class ResponseBox {
    var body: [UInt8] = []
    var cap: Int
    var headers: [(String, String)] = []
    init(cap: Int) { self.cap = cap }
    func header(_ name: String) -> String? {
        headers.last { $0.0 == name.lowercased() }?.1
    }
}

private let writeBody: ig_curl_write_fn = { ptr, size, count, user in
    guard let ptr, let user else { return 0 }
    let box = Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    guard box.body.count + n <= box.cap else { return 0 }  // aborts the transfer
    box.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let writeHeader: ig_curl_write_fn = { ptr, size, count, user in
    guard let ptr, let user else { return 0 }
    let box = Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") { box.headers = [] }  // a new response (redirect, 100 Continue)
    if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        box.headers.append((name, String(value.reversed().drop { $0.isWhitespace }.reversed())))
    }
    return n
}

/// An image behind an `http(s)://` URL read with range GETs, through one reused libcurl handle
/// (one connection, HTTP/2 where offered), cached in aligned blocks with sequential read-ahead.
///
/// The first response's ETag is sent as `If-Match` on every later request, so an image that changes
/// mid-read fails (412) instead of mixing two versions. Errors use layer `http` and the URL without
/// its query: the query may be a SAS signature, which is a secret.
public final class HTTPDevice: BlockDevice {
    public let size: UInt64
    /// The URL without its query: the only form that is printed.
    public let displayURL: String
    private let url: String
    private let options: RemoteOptions
    private let state: Mutex<State>

    private struct State: ~Copyable {
        let handle: UnsafeMutableRawPointer
        var etag: String?
        var blocks: [UInt64: [UInt8]] = [:]
        var order: [UInt64] = []
        var lastBlock: UInt64?
        var stats = RemoteStats()
        deinit { curl_easy_cleanup(handle) }
    }

    /// Opens `url` and learns size and ETag from a first range GET of one block.
    public init(url: String, options: RemoteOptions = RemoteOptions()) throws {
        self.url = url
        self.displayURL = RemoteURL.display(url)
        self.options = options
        guard curlGlobal, let handle = curl_easy_init() else {
            throw ImageError("http", .unsupported, "libcurl could not be initialised (\(RemoteURL.display(url)))")
        }
        var st = State(handle: handle)
        let first = try Self.fetch(
            &st, url: url, display: displayURL, options: options, start: 0,
            length: UInt64(options.blockSize), total: nil)
        self.size = first.total
        if !first.body.isEmpty { st.blocks[0] = first.body; st.order = [0] }
        self.state = Mutex(st)
    }

    /// Requests, retries and bytes so far.
    public var stats: RemoteStats { state.withLock { $0.stats } }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "http")
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        let bs = UInt64(options.blockSize)
        let firstBlock = offset / bs
        let lastBlock = (offset + UInt64(buffer.count) - 1) / bs
        try state.withLock { st in
            // Fetch each run of missing blocks in one request; extend a sequential read by read-ahead.
            var b = firstBlock
            let sequential = st.lastBlock.map { $0 + 1 == firstBlock || $0 == firstBlock } ?? false
            let blockCount = (size + bs - 1) / bs
            while b <= lastBlock {
                if st.blocks[b] != nil { b += 1; continue }
                var end = b
                while end < lastBlock, st.blocks[end + 1] == nil { end += 1 }
                if sequential, end == lastBlock {
                    let ahead = min(blockCount - 1, end + 3)
                    while end < ahead, st.blocks[end + 1] == nil { end += 1 }
                }
                let start = b * bs
                let length = min(size, (end + 1) * bs) - start
                let got = try Self.fetch(
                    &st, url: url, display: displayURL, options: options, start: start, length: length, total: size)
                for i in b...end {
                    let lo = Int((i - b) * bs)
                    let hi = min(got.body.count, lo + Int(bs))
                    st.blocks[i] = Array(got.body[lo..<hi])
                    st.order.append(i)
                }
                while st.order.count > max(options.cachedBlocks, Int(lastBlock - firstBlock) + 1) {
                    let drop = st.order.removeFirst()
                    if drop < firstBlock || drop > lastBlock { st.blocks[drop] = nil } else { st.order.append(drop) }
                }
                b = end + 1
            }
            st.lastBlock = lastBlock
            var done = 0
            for i in firstBlock...lastBlock {
                guard let block = st.blocks[i] else {
                    throw ImageError("http", .io(errno: 0), "block missing after fetch (\(displayURL))", at: i * bs)
                }
                let from = i == firstBlock ? Int(offset - i * bs) : 0
                let n = min(block.count - from, buffer.count - done)
                guard n > 0 else {
                    throw ImageError("http", .truncated, "short block (\(displayURL))", at: i * bs)
                }
                block.withUnsafeBytes { src in
                    if let s = src.baseAddress { (base + done).copyMemory(from: s + from, byteCount: n) }
                }
                done += n
            }
        }
    }

    private static let retryableStatus: Set<Int> = [408, 429, 500, 502, 503, 504]
    private static let retryableCurl: Set<UInt32> = [
        CURLE_COULDNT_CONNECT.rawValue, CURLE_RECV_ERROR.rawValue, CURLE_SEND_ERROR.rawValue,
        CURLE_GOT_NOTHING.rawValue, CURLE_PARTIAL_FILE.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue,
    ]

    /// One range GET with retries; validates status, Content-Range, length and ETag.
    private static func fetch(
        _ st: inout State, url: String, display: String, options: RemoteOptions, start: UInt64, length: UInt64,
        total: UInt64?
    ) throws -> (body: [UInt8], total: UInt64) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.timeout)
        var attempt = 0
        while true {
            attempt += 1
            st.stats.requests += 1
            if attempt > 1 { st.stats.retries += 1 }
            let box = ResponseBox(cap: Int(length))
            let (code, status) = perform(&st, url: url, options: options, start: start, length: length, box: box)
            st.stats.bytes += UInt64(box.body.count)
            var retryAfter: Double?
            if code == CURLE_OK.rawValue || code == CURLE_WRITE_ERROR.rawValue {
                if status == 206, code == CURLE_OK.rawValue {
                    return try validate(&st, box: box, display: display, start: start, length: length, total: total)
                }
                switch status {
                case 200:
                    throw ImageError("http", .unsupported, "server ignored the Range request (200, not 206): refusing to download the whole image (\(display))")
                case 206:
                    throw ImageError("http", .corrupt, "response longer than the requested range (\(display))", at: start)
                case 404: throw ImageError("http", .notFound, "404 not found (\(display))")
                case 412:
                    throw ImageError("http", .corrupt, "412: the image changed while being read (ETag no longer matches) (\(display))", at: start)
                case 416:
                    throw ImageError("http", .truncated, "416 range not satisfiable (\(display))", at: start)
                case 401, 403:
                    var why = "\(status) access denied"
                    if let se = RemoteURL.sasExpiry(url), se < nowUTC() { why += ": the SAS expired at \(se)" }
                    throw ImageError("http", .io(errno: EACCES), "\(why) (\(display))")
                case let s where retryableStatus.contains(s):
                    retryAfter = box.header("retry-after").flatMap { Double($0) }
                default:
                    throw ImageError("http", .io(errno: 0), "HTTP status \(status) (\(display))", at: start)
                }
            } else if !retryableCurl.contains(code) {
                throw ImageError("http", .io(errno: 0), "\(String(cString: curl_easy_strerror(CURLcode(code)))) (\(display))", at: start)
            }
            // Exponential backoff with jitter, honouring Retry-After, bounded by tries and the deadline.
            let backoff = retryAfter ?? (0.2 * Double(1 << min(attempt - 1, 6)) * Double.random(in: 0.5...1.5))
            let wake = clock.now.advanced(by: .milliseconds(Int64(backoff * 1000)))
            guard attempt < options.maximumTries, wake < deadline else {
                let what = status > 0 ? "HTTP status \(status)" : String(cString: curl_easy_strerror(CURLcode(code)))
                throw ImageError("http", .io(errno: EIO), "\(what) after \(attempt) tries (\(display))", at: start)
            }
            usleep(UInt32(min(backoff, 60) * 1_000_000))
        }
    }

    private static func validate(
        _ st: inout State, box: ResponseBox, display: String, start: UInt64, length: UInt64, total: UInt64?
    ) throws -> (body: [UInt8], total: UInt64) {
        // Content-Range: bytes a-b/total
        guard let range = box.header("content-range"), range.hasPrefix("bytes "),
            case let parts = range.dropFirst(6).split(separator: "/"), parts.count == 2,
            case let ab = parts[0].split(separator: "-"), ab.count == 2,
            let a = UInt64(ab[0]), let b = UInt64(ab[1]), let t = UInt64(parts[1]), a <= b, b < t
        else {
            throw ImageError("http", .corrupt, "206 without a valid Content-Range (\(display))", at: start)
        }
        let expectedEnd = min(start + length, t) - 1
        guard a == start, b == expectedEnd, total.map({ $0 == t }) ?? true else {
            throw ImageError("http", .corrupt, "wrong Content-Range \(range) for bytes \(start)-\(expectedEnd) (\(display))", at: start)
        }
        guard UInt64(box.body.count) == b - a + 1 else {
            throw ImageError("http", .truncated, "short body: \(box.body.count) of \(b - a + 1) bytes (\(display))", at: start)
        }
        let etag = box.header("etag")
        if let known = st.etag, let etag, etag != known {
            throw ImageError("http", .corrupt, "the image changed while being read (ETag changed) (\(display))", at: start)
        }
        if st.etag == nil { st.etag = etag }
        return (box.body, t)
    }

    private static func perform(
        _ st: inout State, url: String, options: RemoteOptions, start: UInt64, length: UInt64, box: ResponseBox
    ) -> (UInt32, Int) {
        let h = st.handle
        _ = ig_curl_set_string(h, CURLOPT_URL, url)
        _ = ig_curl_set_long(h, CURLOPT_HTTPGET, 1)
        _ = ig_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ig_curl_set_long(h, CURLOPT_FOLLOWLOCATION, 1)
        _ = ig_curl_set_long(h, CURLOPT_MAXREDIRS, 5)
        _ = ig_curl_set_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = ig_curl_set_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = ig_curl_set_string(h, CURLOPT_RANGE, "\(start)-\(start + length - 1)")
        let ca = options.caCertFile ?? getenv("SSL_CERT_FILE").map { String(cString: $0) }
        if let ca { _ = ig_curl_set_string(h, CURLOPT_CAINFO, ca) }
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "x-ms-version: \(options.azureStorageVersion)")
        if let token = getenv(options.tokenEnvironmentVariable).map({ String(cString: $0) }), !token.isEmpty {
            headers = curl_slist_append(headers, "Authorization: Bearer \(token)")
        }
        if let etag = st.etag { headers = curl_slist_append(headers, "If-Match: \(etag)") }
        defer { curl_slist_free_all(headers) }
        _ = ig_curl_set_slist(h, CURLOPT_HTTPHEADER, headers)
        let user = Unmanaged.passUnretained(box).toOpaque()
        _ = ig_curl_set_write_function(h, CURLOPT_WRITEFUNCTION, writeBody)
        _ = ig_curl_set_pointer(h, CURLOPT_WRITEDATA, user)
        _ = ig_curl_set_write_function(h, CURLOPT_HEADERFUNCTION, writeHeader)
        _ = ig_curl_set_pointer(h, CURLOPT_HEADERDATA, user)
        let code = withExtendedLifetime(box) { curl_easy_perform(h) }
        var status = 0
        _ = ig_curl_get_long(h, CURLINFO_RESPONSE_CODE, &status)
        return (code.rawValue, status)
    }

    private static func nowUTC() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { strftime($0.baseAddress, $0.count, "%Y-%m-%dT%H:%M:%SZ", &tm) }
        }
        return String(decoding: buf.prefix(n), as: UTF8.self)
    }
}
