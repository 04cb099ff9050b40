import BlockIO

/// rpm's SQLite backend (`rpmdb.sqlite`, rpm ≥ 4.16: RHEL 9, Fedora ≥ 33, Azure Linux), read by
/// the system SQLite through `SQLiteReadOnlyVFS` (only the pages a query touches).
///
/// rpm's schema (lib/backend/sqlite.cc): `Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT,
/// blob BLOB NOT NULL)` holds one header blob per package; index tables such as
/// `Name(key TEXT, hnum INTEGER, idx INTEGER)` with `Name_key_idx` map a name to its `hnum`s.
public final class RPMSQLiteSource: RPMHeaderSource {
    public static let layer = "rpm-sqlite"
    public var kind: String { "rpm-sqlite" }
    private let connection: SQLiteReadOnlyConnection
    /// Whether `Name` is a table (rpm always creates it); without it lookups scan.
    private let hasNameTable: Bool

    /// Opens the database read-only.
    /// - Parameters:
    ///   - database: the `rpmdb.sqlite` file.
    ///   - wal: its `rpmdb.sqlite-wal` when present; honoured when non-empty.
    /// - Throws: `ImageError` (layer `rpm-sqlite`) when it is not a SQLite database or has no
    ///   `Packages` table.
    public init(database: any BlockDevice, wal: (any BlockDevice)? = nil) throws {
        connection = try SQLiteReadOnlyConnection(
            main: database, wal: wal, fileName: "rpmdb.sqlite", layer: Self.layer,
            maximumValueLength: RPMHeader.maximumBlobSize)
        var types: [String: String] = [:]
        try connection.rows(
            "SELECT name, type FROM sqlite_master WHERE name IN ('Packages', 'Name')", maximumRows: 16
        ) { row in
            if let n = row.text(0), let t = row.text(1) { types[n] = t }
        }
        // A view or trigger under rpm's table name would run code from the image: refuse it.
        guard types["Packages"] == "table" else {
            throw ImageError(
                Self.layer, .unsupported,
                types["Packages"].map { "Packages is a \($0), not a table" } ?? "no Packages table")
        }
        hasNameTable = types["Name"] == "table"
    }

    private func blob(_ row: SQLiteRow) throws -> RPMHeaderBlob {
        let hnum = row.int64(0)
        guard let key = UInt32(exactly: hnum) else {
            throw ImageError(Self.layer, .corrupt, "package number \(hnum) out of range")
        }
        return RPMHeaderBlob(key: key, bytes: row.blob(1))
    }

    public func forEachHeaderBlob(_ body: (RPMHeaderBlob) throws -> Void) throws {
        try connection.rows("SELECT hnum, blob FROM Packages ORDER BY hnum") { row in
            try body(try blob(row))
        }
    }

    /// Looks `name` up in the `Name` index table (`Name_key_idx`), then reads only those
    /// packages by `hnum`: a few pages instead of the whole file.
    public func headerBlobs(named name: String) throws -> [RPMHeaderBlob] {
        guard hasNameTable else {
            var out: [RPMHeaderBlob] = []
            try forEachHeaderBlob { blob in
                if try blob.header().string(.name) == name { out.append(blob) }
            }
            return out
        }
        var numbers: [Int64] = []
        try connection.rows("SELECT DISTINCT hnum FROM Name WHERE key = ?", [.text(name)], maximumRows: 100_000) {
            numbers.append($0.int64(0))
        }
        var out: [RPMHeaderBlob] = []
        for n in numbers.sorted() {
            // A stale index row without its package is skipped, as rpm does.
            try connection.rows("SELECT hnum, blob FROM Packages WHERE hnum = ?", [.integer(n)], maximumRows: 1) {
                row in
                let b = try blob(row)
                // The index is only a hint: keep the package only if its header says so.
                if try b.header().string(.name) == name { out.append(b) }
            }
        }
        return out
    }
}
