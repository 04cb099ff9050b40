import BlockIO

/// One header blob as a database stores it.
public struct RPMHeaderBlob: Sendable {
    /// The database's number for it: SQLite `hnum`, Berkeley DB key, ndb `pkgidx`.
    public var key: UInt32
    public var bytes: [UInt8]
    /// Device offset of `bytes[0]` in the database file when it is contiguous there, else 0.
    public var offset: UInt64

    public init(key: UInt32, bytes: [UInt8], offset: UInt64 = 0) {
        self.key = key
        self.bytes = bytes
        self.offset = offset
    }

    /// Parses the blob; errors name the package number.
    public func header() throws(ImageError) -> RPMHeader {
        do {
            return try RPMHeader(blob: bytes, base: offset)
        } catch {
            throw ImageError(error.layer, error.kind, "package \(key): \(error.detail)", at: error.offset)
        }
    }
}

/// A backend that yields the header blobs of an rpm database (SQLite, Berkeley DB hash, ndb).
public protocol RPMHeaderSource: Sendable {
    /// `rpm-sqlite`, `rpm-bdb` or `rpm-ndb`.
    var kind: String { get }
    /// Calls `body` with every header blob, in the database's order; throws `ImageError`.
    func forEachHeaderBlob(_ body: (RPMHeaderBlob) throws -> Void) throws
    /// The blobs of the packages called `name`; backends with a name index use it.
    func headerBlobs(named name: String) throws -> [RPMHeaderBlob]
}

extension RPMHeaderSource {
    /// Default: a scan that keeps the blobs whose NAME matches.
    public func headerBlobs(named name: String) throws -> [RPMHeaderBlob] {
        var out: [RPMHeaderBlob] = []
        try forEachHeaderBlob { blob in
            if try blob.header().string(.name) == name { out.append(blob) }
        }
        return out
    }
}
