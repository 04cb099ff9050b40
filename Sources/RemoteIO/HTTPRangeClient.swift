import BlockIO
import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why libcurl is unusable, nil when it is loaded: on the first URL, not at start (see CCurl).
private let curlProblem: String? = ig_curl_load().map { String(cString: $0) }

/// One libcurl easy handle; idle ones are kept, so their connections are reused.
private final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    init?() {
        guard curlProblem == nil, let h = ig_curl_easy_init() else { return nil }
        raw = h
    }
    deinit { ig_curl_easy_cleanup(raw) }
}

/// Collects one response: body (capped, so a server ignoring Range cannot make us download the
/// whole image) and headers of the last response.
private final class ResponseBox {
    var body: [UInt8] = []
    let cap: Int
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

/// Range GETs of one URL: retries, backoff, validation of every answer, the ETag kept from the
/// first one. `HTTPDevice` caches what it returns.
///
/// The lock guards the ETag and the idle handles only: no request and no backoff sleep runs under
/// it, so one slow request never stalls another reader of the same image.
final class HTTPRangeClient: Sendable {
    let url: String
    /// The URL without its query: the only form any message shows.
    let display: String
    let options: RemoteOptions
    /// Retries stop here: the per-image `--timeout`, counted from when the image was opened.
    let deadline: ContinuousClock.Instant
    let counter: TransferCounter
    private let state = Mutex<(etag: String?, idle: [CurlHandle])>((nil, []))

    init(url: String, options: RemoteOptions, counter: TransferCounter, deadline: ContinuousClock.Instant) {
        self.url = url
        self.display = RemoteURL.display(url)
        self.options = options
        self.counter = counter
        self.deadline = deadline
    }

    private static let retryableStatus: Set<Int> = [408, 429, 500, 502, 503, 504]
    private static let retryableCurl: Set<UInt32> = [
        CURLE_COULDNT_CONNECT.rawValue, CURLE_RECV_ERROR.rawValue, CURLE_SEND_ERROR.rawValue,
        CURLE_GOT_NOTHING.rawValue, CURLE_PARTIAL_FILE.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue,
    ]

    /// Bytes `start ..< start + length` (clipped at the end of the object), and the object's
    /// size from Content-Range. `total`, when known, must match it.
    func fetch(start: UInt64, length: UInt64, total: UInt64?) throws -> (body: [UInt8], total: UInt64) {
        let clock = ContinuousClock()
        let began = clock.now
        var attempt = 0
        var lastProblem = ""
        while true {
            attempt += 1
            let depth = counter.sending(retry: attempt > 1)
            let box = ResponseBox(cap: Int(length))
            let answer = Result { try perform(start: start, length: length, box: box) }
            counter.answered(depth)
            let (code, status) = try answer.get()
            counter.record { $0.bytes += UInt64(box.body.count) }
            var retryAfter: Duration?
            if code == CURLE_OK.rawValue || code == CURLE_WRITE_ERROR.rawValue {
                if status == 206, code == CURLE_OK.rawValue {
                    return try validate(box, start: start, length: length, total: total)
                }
                // An empty object has no byte to range over: some servers answer the first request
                // 416 with `Content-Range: bytes */0` (RFC 9110 15.5.17), nginx 200 with an empty
                // body. Either is an empty image, said as for an empty file, not an HTTP error (a
                // 200 with nothing in it downloads no image).
                if start == 0, total == nil, code == CURLE_OK.rawValue,
                    (status == 416 && box.header("content-range") == "bytes */0")
                        || (status == 200 && box.body.isEmpty && box.header("content-length") == "0")
                {
                    return ([], 0)
                }
                try Self.refuse(status: status, box: box, url: url, display: display, start: start)
                retryAfter = box.header("retry-after").flatMap { Int($0) }.map { .seconds(max(0, $0)) }
                lastProblem = "HTTP status \(status)"
            } else if Self.retryableCurl.contains(code) {
                lastProblem = String(cString: ig_curl_easy_strerror(CURLcode(code)))
            } else {
                throw ImageError(
                    "http", .io(errno: 0), "\(String(cString: ig_curl_easy_strerror(CURLcode(code)))) (\(display))",
                    at: start)
            }
            // Exponential backoff with jitter (200 ms doubling, capped at 12.8 s), or what Retry-After
            // asks; bounded by the tries and by the deadline.
            let backoff =
                retryAfter
                ?? .milliseconds(Int64(200 * Double(1 << min(attempt - 1, 6)) * Double.random(in: 0.5...1.5)))
            let wake = clock.now.advanced(by: backoff)
            if attempt >= options.maximumTries {
                throw ImageError(
                    "http", .io(errno: EIO), "\(lastProblem); gave up after \(attempt) tries (\(display))", at: start)
            }
            if wake >= deadline {
                throw ImageError(
                    "http", .io(errno: ETIMEDOUT),
                    "\(lastProblem); gave up after \(attempt) \(attempt == 1 ? "try" : "tries") in \(Self.seconds(clock.now - began)): the --timeout of \(Self.seconds(options.timeout)) runs out (\(display))",
                    at: start)
            }
            let pause = Self.milliseconds(backoff)
            if pause > 0 { usleep(UInt32(clamping: min(pause, 600_000) * 1000)) }
        }
    }

    /// Throws for every non-206 status that is not worth a retry.
    private static func refuse(status: Int, box: ResponseBox, url: String, display: String, start: UInt64) throws {
        switch status {
        case 200:
            throw ImageError(
                "http", .unsupported,
                "server ignored the Range request (200, not 206): refusing to download the whole image (\(display))")
        case 206:
            throw ImageError("http", .corrupt, "response longer than the requested range (\(display))", at: start)
        case 404: throw ImageError("http", .notFound, "404 not found (\(display))")
        case 412:
            throw ImageError(
                "http", .corrupt,
                "412: the object changed while being read (it no longer matches the ETag first seen: replaced or overwritten) (\(display))",
                at: start)
        case 416:
            throw ImageError("http", .truncated, "416 range not satisfiable (\(display))", at: start)
        case 401, 403:
            var why = "\(status) access denied"
            if let code = box.header("x-ms-error-code") { why += " (\(code))" }
            if let se = RemoteURL.sasExpiry(url), se < nowUTC() {
                why += ": the SAS expired at \(se)"
            } else if RemoteURL.sasExpiry(url) != nil {
                why += ": the SAS (not expired) does not grant reading this blob"
            }
            throw ImageError("http", .io(errno: EACCES), "\(why) (\(display))")
        case let s where retryableStatus.contains(s):
            return
        default:
            throw ImageError("http", .io(errno: 0), "HTTP status \(status) (\(display))", at: start)
        }
    }

    private func validate(_ box: ResponseBox, start: UInt64, length: UInt64, total: UInt64?) throws -> (
        body: [UInt8], total: UInt64
    ) {
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
            throw ImageError(
                "http", .corrupt, "wrong Content-Range \(range) for bytes \(start)-\(expectedEnd) (\(display))",
                at: start)
        }
        guard UInt64(box.body.count) == b - a + 1 else {
            throw ImageError(
                "http", .truncated, "short body: \(box.body.count) of \(b - a + 1) bytes (\(display))", at: start)
        }
        let etag = box.header("etag")
        try state.withLock { s in
            if let known = s.etag, let etag, etag != known {
                throw ImageError(
                    "http", .corrupt,
                    "the object changed while being read (ETag \(known) became \(etag): replaced or overwritten) (\(display))",
                    at: start)
            }
            if s.etag == nil { s.etag = etag }
        }
        return (box.body, t)
    }

    /// One GET of the range on an idle handle (or a new one), with no lock held.
    private func perform(start: UInt64, length: UInt64, box: ResponseBox) throws -> (UInt32, Int) {
        let (idle, etag) = state.withLock { s in (s.idle.popLast(), s.etag) }
        guard let handle = idle ?? CurlHandle() else {
            throw ImageError(
                "http", .unsupported, "\(curlProblem ?? "libcurl could not start a transfer") (\(display))")
        }
        defer { state.withLock { $0.idle.append(handle) } }
        let h = handle.raw
        _ = ig_curl_set_string(h, CURLOPT_URL, url)
        _ = ig_curl_set_long(h, CURLOPT_HTTPGET, 1)
        _ = ig_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ig_curl_set_long(h, CURLOPT_FOLLOWLOCATION, 1)
        _ = ig_curl_set_long(h, CURLOPT_MAXREDIRS, 5)
        // Each try is bounded by the request timeout and by what is left of the deadline, so a
        // stalled server costs one timeout and a retry, not the whole --timeout.
        let left = max(1, Self.milliseconds(deadline - ContinuousClock.now))
        _ = ig_curl_set_long(h, CURLOPT_TIMEOUT_MS, min(left, Self.milliseconds(options.requestTimeout)))
        _ = ig_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, min(left, 30_000))
        _ = ig_curl_set_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = ig_curl_set_string(h, CURLOPT_RANGE, "\(start)-\(start + length - 1)")
        if let ca = options.caCertFile ?? getenv("SSL_CERT_FILE").map({ String(cString: $0) }) {
            _ = ig_curl_set_string(h, CURLOPT_CAINFO, ca)
        }
        var headers: UnsafeMutablePointer<curl_slist>? = ig_curl_slist_append(
            nil, "x-ms-version: \(options.azureStorageVersion)")
        if let token = getenv(options.tokenEnvironmentVariable).map({ String(cString: $0) }), !token.isEmpty {
            headers = ig_curl_slist_append(headers, "Authorization: Bearer \(token)")
        }
        if let etag { headers = ig_curl_slist_append(headers, "If-Match: \(etag)") }
        defer { ig_curl_slist_free_all(headers) }
        _ = ig_curl_set_slist(h, CURLOPT_HTTPHEADER, headers)
        let user = Unmanaged.passUnretained(box).toOpaque()
        _ = ig_curl_set_write_function(h, CURLOPT_WRITEFUNCTION, writeBody)
        _ = ig_curl_set_pointer(h, CURLOPT_WRITEDATA, user)
        _ = ig_curl_set_write_function(h, CURLOPT_HEADERFUNCTION, writeHeader)
        _ = ig_curl_set_pointer(h, CURLOPT_HEADERDATA, user)
        let code = withExtendedLifetime(box) { ig_curl_easy_perform(h) }
        // The handle outlives this call: drop the pointers to what does not.
        _ = ig_curl_set_slist(h, CURLOPT_HTTPHEADER, nil)
        _ = ig_curl_set_pointer(h, CURLOPT_WRITEDATA, nil)
        _ = ig_curl_set_pointer(h, CURLOPT_HEADERDATA, nil)
        var status = 0
        _ = ig_curl_get_long(h, CURLINFO_RESPONSE_CODE, &status)
        return (code.rawValue, status)
    }

    private static func milliseconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return Int(clamping: s) &* 1000 &+ Int(atto / 1_000_000_000_000_000)
    }

    private static func seconds(_ d: Duration) -> String {
        let ms = milliseconds(d)
        return "\(ms / 1000).\(String(ms % 1000 / 100)) s"
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
