/// How an image behind an `http://` or `https://` URL is read.
public struct RemoteOptions: Sendable {
    /// Requests in flight per image unless told otherwise (a guest tree's `readWidth` for a URL).
    public static let defaultParallelRequests = 16
    /// PEM bundle of trusted CAs (`--ca-cert`); when nil, `SSL_CERT_FILE` from the environment, then
    /// libcurl's built-in bundle.
    public var caCertFile: String?
    /// Bound on all tries of one request, retries and backoff included (the per-image `--timeout`).
    public var timeout: Duration
    /// Reads are served from aligned blocks of this size (64 KiB by default: a Debian 12 check
    /// touches about 265 of them, 17 MB, against 99 blocks and 104 MB at 1 MiB, and the round trips
    /// are cut by fetching in parallel, not by fetching more per request).
    public var blockSize: Int
    /// Blocks kept in memory (least recently used dropped first).
    public var cachedBlocks: Int
    /// Blocks a sequential read fetches beyond what was asked (file contents are read in order).
    public var readAheadBlocks: Int
    /// Requests one image keeps in flight at most: the runs of blocks one read misses, and the
    /// readers a guest tree runs side by side (`GuestTree.readWidth`).
    public var parallelRequests: Int
    /// Tries of one request (first try included) on 408/429/5xx, a reset connection, a short body
    /// or a try that timed out.
    public var maximumTries: Int
    /// Bound on one try of one request (connection included): a stalled server costs this and a
    /// retry, not the whole `timeout`.
    public var requestTimeout: Duration
    /// Sent as `x-ms-version` (Azure Blob storage wants it with bearer tokens; others ignore it).
    public var azureStorageVersion: String
    /// The environment variable whose value is sent as `Authorization: Bearer …`.
    public var tokenEnvironmentVariable: String

    public init(
        caCertFile: String? = nil, timeout: Duration = .seconds(120), blockSize: Int = 64 << 10,
        cachedBlocks: Int = 1024, readAheadBlocks: Int = 16,
        parallelRequests: Int = RemoteOptions.defaultParallelRequests,
        maximumTries: Int = 5, requestTimeout: Duration = .seconds(30),
        azureStorageVersion: String = "2021-08-06",
        tokenEnvironmentVariable: String = "IMAGEGATE_AZURE_TOKEN"
    ) {
        self.caCertFile = caCertFile
        self.timeout = timeout
        self.blockSize = max(4096, min(blockSize, 16 << 20))
        self.cachedBlocks = max(2, cachedBlocks)
        self.readAheadBlocks = max(0, min(readAheadBlocks, 256))
        self.parallelRequests = max(1, min(parallelRequests, 64))
        self.maximumTries = max(1, maximumTries)
        self.requestTimeout = max(.milliseconds(1), requestTimeout)
        self.azureStorageVersion = azureStorageVersion
        self.tokenEnvironmentVariable = tokenEnvironmentVariable
    }
}

/// URL helpers that keep the query (a SAS signature) out of everything printed.
public enum RemoteURL {
    /// True for `http://` and `https://` (case-insensitive scheme).
    public static func isRemote(_ path: String) -> Bool {
        let lower = path.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The URL without its query and fragment: the only form of a URL imagegate prints.
    public static func display(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }

    /// The query part including `?`, or "".
    public static func query(_ url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return "" }
        return String(url[q...].prefix { $0 != "#" })
    }

    /// The URL of `name` next to `url` (same directory), carrying the same query, so a qcow2 backing
    /// file or a VMDK extent behind a SAS URL is readable with the same signature. Nil when `name`
    /// is absolute, climbs out of the directory or has an empty segment.
    public static func sibling(of url: String, named name: String) -> String? {
        // `./mid.qcow2` (as qemu-img writes it) is a sibling; `.` segments are dropped.
        let segments = name.split(separator: "/", omittingEmptySubsequences: false).filter { $0 != "." }
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("://"), !segments.isEmpty,
            !segments.contains(where: { $0 == ".." || $0.isEmpty })
        else { return nil }
        let base = display(url)
        guard let slash = base.lastIndex(of: "/"), base[..<slash].contains("://") else { return nil }
        let escaped = segments.map { percentEscape(String($0)) }
        return String(base[...slash]) + escaped.joined(separator: "/") + query(url)
    }

    /// `scheme://host[:port]` of a URL, lower-cased; nil when it is not one.
    public static func origin(_ url: String) -> String? {
        guard isRemote(url) else { return nil }
        let shown = display(url)
        guard let colon = shown.firstIndex(of: ":") else { return nil }
        let rest = shown[colon...].dropFirst(3)  // "://"
        return (shown[..<rest.startIndex] + rest.prefix { $0 != "/" }).lowercased()
    }

    /// `name` (an absolute path, or relative with `..`) resolved lexically against the folder URL
    /// `folder` on the same origin, without a query; `..` stops at the server's root. The folder's
    /// segments are kept as they are (already escaped), the name's are percent-escaped.
    static func resolve(_ name: String, against folder: String) -> String? {
        guard let origin = origin(folder), !name.contains("://") else { return nil }
        let shown = display(folder)
        var parts: [String] =
            name.hasPrefix("/") ? [] : shown.dropFirst(origin.count).split(separator: "/").map(String.init)
        for part in name.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(percentEscape(String(part)))
        }
        guard !parts.isEmpty else { return nil }
        return String(shown.prefix(origin.count)) + "/" + parts.joined(separator: "/")
    }

    static func percentEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    /// The SAS expiry (`se=`) decoded, e.g. `2026-12-01T00:00:00Z`, when the query has one.
    static func sasExpiry(_ url: String) -> String? {
        let q = query(url).dropFirst()
        for pair in q.split(separator: "&") where pair.hasPrefix("se=") {
            return String(pair.dropFirst(3)).replacingOccurrences(of: "%3A", with: ":")
                .replacingOccurrences(of: "%3a", with: ":")
        }
        return nil
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
