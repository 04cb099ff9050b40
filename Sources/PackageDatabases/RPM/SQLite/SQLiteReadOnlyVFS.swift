import BlockIO
import CSQLite
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The system SQLite reading a database that lives inside a guest image, through a read-only VFS
// ("The OS Interface Object", sqlite.org/c3ref/vfs.html; "WAL-mode file format" and
// "Use of WAL without shared memory", sqlite.org/walformat.html, wal.html §8).
//
//   SQLite ──xOpen/xRead/xFileSize──► VFSFile ──► any BlockDevice ──► FileSystem.read(_:at:count:)
//
// * Only the pages a query touches are read: xRead goes straight to the device (no copy of the
//   database to the host, no whole-file read).
// * Nothing is ever written: xWrite, xTruncate and xDelete refuse; locks are no-ops because no
//   one else can change the image while we read it; `-journal` and `-shm` are reported absent
//   and cannot be opened.
// * Without a WAL (or with an empty one) the main file reports SQLITE_IOCAP_IMMUTABLE, the same
//   as `?immutable=1`: SQLite reads it as a fixed file and never looks for a WAL.
// * With a non-empty `-wal` the connection first runs `PRAGMA locking_mode=EXCLUSIVE`: SQLite
//   then keeps the WAL index in heap memory (no `-shm`), rebuilds it from the WAL's committed
//   frames on the first read (as it does after a crash) and reads pages from the WAL where a
//   committed frame has them — exactly what rpm would see. The WAL is opened read-only, so
//   SQLite never checkpoints it or deletes it on close.
//
// This file is the only one with unsafe pointer code for SQLite; every use says why it is safe.

/// The files one connection may open: the main database and, when non-empty, its WAL.
final class SQLiteVFSFiles: Sendable {
    let main: any BlockDevice
    let wal: (any BlockDevice)?
    /// The first guest read that failed, so the caller reports the real cause rather than
    /// SQLite's "disk I/O error".
    private let failure = Mutex<ImageError?>(nil)

    init(main: any BlockDevice, wal: (any BlockDevice)?) {
        self.main = main
        self.wal = wal
    }

    func record(_ error: ImageError) { failure.withLock { if $0 == nil { $0 = error } } }
    func takeFailure() -> ImageError? {
        failure.withLock { e in
            defer { e = nil }
            return e
        }
    }
}

/// One open file: what SQLite's `sqlite3_file` points at (retained while open).
private final class VFSFile: Sendable {
    let device: any BlockDevice
    let files: SQLiteVFSFiles
    let isMain: Bool
    init(device: any BlockDevice, files: SQLiteVFSFiles, isMain: Bool) {
        self.device = device
        self.files = files
        self.isMain = isMain
    }
}

/// The registered VFS and the table of names it can open.
enum SQLiteReadOnlyVFS {
    static let name = "imagegate-readonly"

    /// Main database path → its files. Paths are unique per connection (`/imagegate-N/…`).
    static let registry = Mutex<[String: SQLiteVFSFiles]>([:])
    private static let counter = Atomic<Int>(0)

    /// Registers `files` under a fresh path and returns it.
    static func register(_ files: SQLiteVFSFiles, fileName: String) -> String {
        let id = counter.add(1, ordering: .relaxed).newValue
        let path = "/imagegate-\(id)/\(fileName)"
        registry.withLock { $0[path] = files }
        return path
    }

    static func unregister(_ path: String) { _ = registry.withLock { $0.removeValue(forKey: path) } }

    /// The files for a name SQLite asks for, and whether it is the WAL.
    static func lookup(_ name: String) -> (SQLiteVFSFiles, isWAL: Bool)? {
        registry.withLock { r in
            if let f = r[name] { return (f, false) }
            if name.hasSuffix("-wal"), let f = r[String(name.dropLast(4))], f.wal != nil { return (f, true) }
            return nil
        }
    }

    /// Bytes SQLite allocates per open file: the `sqlite3_file` base (its `pMethods`) followed by
    /// one pointer to our retained `VFSFile`.
    private static let fileSlot = MemoryLayout<sqlite3_file>.stride
    private static let fileSize = fileSlot + MemoryLayout<UnsafeRawPointer>.stride

    /// Registers the VFS once per process (SQLite keeps the pointer: the allocations are never
    /// freed on purpose). Returns SQLite's result code.
    static let registration: Int32 = {
        // Safe: allocated once, fully initialised below, never freed or mutated afterwards.
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods())
        methods.pointee.iVersion = 1  // no shared memory, no mmap: SQLite falls back to xRead
        methods.pointee.xClose = { file in
            // Safe: releases the reference taken in xOpen, once (SQLite closes each file once).
            if let file, let p = SQLiteReadOnlyVFS.slot(file) {
                Unmanaged<VFSFile>.fromOpaque(p).release()
                SQLiteReadOnlyVFS.setSlot(file, nil)
            }
            return SQLITE_OK
        }
        methods.pointee.xRead = { file, buffer, amount, offset in
            guard let f = SQLiteReadOnlyVFS.object(file), let buffer, amount >= 0, offset >= 0 else {
                return SQLITE_IOERR | (1 << 8)  // SQLITE_IOERR_READ
            }
            // Safe: SQLite hands us `amount` writable bytes at `buffer`; we write only inside them.
            let out = UnsafeMutableRawBufferPointer(start: buffer, count: Int(amount))
            let start = UInt64(offset)
            let size = f.device.size
            let available = start >= size ? 0 : Int(min(UInt64(amount), size - start))
            do {
                if available > 0 {
                    try f.device.read(into: UnsafeMutableRawBufferPointer(rebasing: out[0..<available]), at: start)
                }
            } catch let e as ImageError {
                f.files.record(e)
                return SQLITE_IOERR | (1 << 8)  // SQLITE_IOERR_READ
            } catch {
                f.files.record(ImageError("rpm-sqlite", .corrupt, "\(error)", at: start))
                return SQLITE_IOERR | (1 << 8)
            }
            if available < Int(amount) {
                // SQLite's contract: a short read zero-fills the rest and says so.
                UnsafeMutableRawBufferPointer(rebasing: out[available...]).initializeMemory(
                    as: UInt8.self, repeating: 0)
                return SQLITE_IOERR | (2 << 8)  // SQLITE_IOERR_SHORT_READ
            }
            return SQLITE_OK
        }
        methods.pointee.xWrite = { _, _, _, _ in SQLITE_READONLY }
        methods.pointee.xTruncate = { _, _ in SQLITE_READONLY }
        methods.pointee.xSync = { _, _ in SQLITE_OK }  // nothing was written
        methods.pointee.xFileSize = { file, size in
            guard let f = SQLiteReadOnlyVFS.object(file), let size else { return SQLITE_IOERR }
            guard let s = Int64(exactly: f.device.size) else { return SQLITE_IOERR }
            size.pointee = s  // Safe: SQLite passes a valid out-pointer.
            return SQLITE_OK
        }
        // Locks: the image cannot change under us and no other process shares this VFS's files.
        methods.pointee.xLock = { _, _ in SQLITE_OK }
        methods.pointee.xUnlock = { _, _ in SQLITE_OK }
        methods.pointee.xCheckReservedLock = { _, out in
            out?.pointee = 0
            return SQLITE_OK
        }
        methods.pointee.xFileControl = { _, _, _ in SQLITE_NOTFOUND }
        methods.pointee.xSectorSize = { _ in 512 }
        methods.pointee.xDeviceCharacteristics = { file in
            // Immutable unless a WAL must be read: then SQLite has to treat the file as a WAL database.
            guard let f = SQLiteReadOnlyVFS.object(file), f.isMain, f.files.wal == nil else { return 0 }
            return SQLITE_IOCAP_IMMUTABLE
        }

        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: sqlite3_vfs())
        let vfsName = UnsafeMutablePointer<CChar>.allocate(capacity: name.utf8.count + 1)
        vfsName.initialize(from: name.utf8CString.map { $0 }, count: name.utf8.count + 1)
        vfs.pointee.iVersion = 1
        vfs.pointee.szOsFile = Int32(fileSize)
        vfs.pointee.mxPathname = 512
        vfs.pointee.zName = UnsafePointer(vfsName)
        vfs.pointee.pAppData = UnsafeMutableRawPointer(methods)
        vfs.pointee.xOpen = { vfs, zName, file, flags, outFlags in
            guard let file else { return SQLITE_CANTOPEN }
            // pMethods stays NULL on failure, so SQLite will not call xClose.
            file.pointee.pMethods = nil
            SQLiteReadOnlyVFS.setSlot(file, nil)
            // Temporary files (zName NULL), journals and `-shm` do not exist here.
            guard let zName, let vfs, let found = SQLiteReadOnlyVFS.lookup(String(cString: zName)) else {
                return SQLITE_CANTOPEN
            }
            let (files, isWAL) = found
            guard let device = isWAL ? files.wal : files.main else { return SQLITE_CANTOPEN }
            let object = VFSFile(device: device, files: files, isMain: !isWAL)
            // Safe: the retained reference is released in xClose.
            SQLiteReadOnlyVFS.setSlot(file, UnsafeRawPointer(Unmanaged.passRetained(object).toOpaque()))
            file.pointee.pMethods = UnsafePointer(vfs.pointee.pAppData.assumingMemoryBound(to: sqlite3_io_methods.self))
            // Read-only even when SQLite asked for read-write (it does for the WAL): SQLite then
            // marks the WAL read-only and never checkpoints or deletes it.
            outFlags?.pointee = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY
            return SQLITE_OK
        }
        vfs.pointee.xDelete = { _, _, _ in SQLITE_IOERR | (10 << 8) }  // SQLITE_IOERR_DELETE
        vfs.pointee.xAccess = { _, zName, flags, out in
            guard let out else { return SQLITE_IOERR }
            out.pointee = 0
            // Exists (readable, never writable) only for the registered main file and its WAL.
            if let zName, flags != SQLITE_ACCESS_READWRITE, SQLiteReadOnlyVFS.lookup(String(cString: zName)) != nil {
                out.pointee = 1
            }
            return SQLITE_OK
        }
        vfs.pointee.xFullPathname = { _, zName, nOut, zOut in
            // Our names are already absolute and unique: copy them as they are.
            guard let zName, let zOut, nOut > 0 else { return SQLITE_CANTOPEN }
            let n = strlen(zName)
            guard n < Int(nOut) else { return SQLITE_CANTOPEN }
            // Safe: n + 1 ≤ nOut bytes are written into SQLite's buffer of nOut bytes.
            zOut.update(from: zName, count: n + 1)
            return SQLITE_OK
        }
        vfs.pointee.xRandomness = { _, n, out in
            // Randomness only salts new WAL files and temp names; a reader needs none.
            if let out, n > 0 { out.update(repeating: 0, count: Int(n)) }
            return n
        }
        vfs.pointee.xSleep = { _, microseconds in
            usleep(useconds_t(max(0, microseconds)))
            return microseconds
        }
        vfs.pointee.xCurrentTime = { _, out in
            // Julian day number of now (SQLite's date functions; our queries use none).
            out?.pointee = 2_440_587.5 + Double(time(nil)) / 86_400
            return SQLITE_OK
        }
        vfs.pointee.xGetLastError = { _, _, _ in 0 }
        return sqlite3_vfs_register(vfs, 0)
    }()

    /// The pointer stored after the `sqlite3_file` base.
    private static func slot(_ file: UnsafeMutablePointer<sqlite3_file>?) -> UnsafeRawPointer? {
        guard let file else { return nil }
        // Safe: SQLite allocated `fileSize` bytes for this file (szOsFile), pointer-aligned.
        return UnsafeMutableRawPointer(file).advanced(by: fileSlot).load(as: UnsafeRawPointer?.self)
    }

    private static func setSlot(_ file: UnsafeMutablePointer<sqlite3_file>, _ value: UnsafeRawPointer?) {
        // Safe: as in `slot`, inside the szOsFile bytes SQLite allocated.
        UnsafeMutableRawPointer(file).advanced(by: fileSlot).storeBytes(of: value, as: UnsafeRawPointer?.self)
    }

    private static func object(_ file: UnsafeMutablePointer<sqlite3_file>?) -> VFSFile? {
        guard let p = slot(file) else { return nil }
        // Safe: the slot holds a reference retained in xOpen and released only in xClose.
        return Unmanaged<VFSFile>.fromOpaque(p).takeUnretainedValue()
    }
}

/// One result row, valid only inside the closure it is passed to.
struct SQLiteRow {
    fileprivate let statement: OpaquePointer

    /// The integer in column `i` (0 for NULL).
    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }

    /// The bytes of column `i` (empty for NULL or an empty blob).
    func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(statement, i))
        guard n > 0, let p = sqlite3_column_blob(statement, i) else { return [] }
        // Safe: SQLite guarantees `n` readable bytes at `p` until the next step or finalize.
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// The text of column `i`, nil for NULL.
    func text(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, i) else { return nil }
        // Safe: NUL-terminated text valid until the next step or finalize.
        return String(cString: p)
    }
}

/// A parameter of a query.
enum SQLiteValue {
    case text(String)
    case integer(Int64)
}

/// Progress-handler calls left for the running statement (one per 1000 SQLite VM steps).
private final class StepBudget: Sendable {
    let remaining = Atomic<Int>(0)
}

/// A read-only connection through the VFS to a database file (and WAL) on block devices.
///
/// Calls are serialised by a mutex. Each statement has a work budget (SQLite's progress
/// handler), so a hostile schema (a recursive view named like a table) cannot hang the caller.
final class SQLiteReadOnlyConnection: Sendable {
    let layer: String
    private let files: SQLiteVFSFiles
    private let path: String
    private let handle: Mutex<OpaquePointer?>
    private let budget = StepBudget()
    /// 10^8 VM steps per statement: far more than listing thousands of packages needs.
    static let progressCallsPerStatement = 100_000

    /// Opens `main` (with `wal` when it is non-empty) read-only.
    /// - Throws: `ImageError(layer, …)` when SQLite cannot open it.
    init(main: any BlockDevice, wal: (any BlockDevice)?, fileName: String, layer: String, maximumValueLength: Int)
        throws
    {
        self.layer = layer
        let useWAL = (wal?.size ?? 0) > 0
        let files = SQLiteVFSFiles(main: main, wal: useWAL ? wal : nil)
        self.files = files
        guard SQLiteReadOnlyVFS.registration == SQLITE_OK else {
            throw ImageError(layer, .unsupported, "cannot register the SQLite VFS (\(SQLiteReadOnlyVFS.registration))")
        }
        let path = SQLiteReadOnlyVFS.register(files, fileName: fileName)
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, SQLiteReadOnlyVFS.name)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            SQLiteReadOnlyVFS.unregister(path)
            throw files.takeFailure() ?? ImageError(layer, .unsupported, "cannot open the database: \(message)")
        }
        // Safe: the context is `budget`, which this object keeps alive longer than the handle.
        sqlite3_progress_handler(
            db, 1000,
            { context in
                guard let context else { return 1 }
                let budget = Unmanaged<StepBudget>.fromOpaque(context).takeUnretainedValue()
                return budget.remaining.subtract(1, ordering: .relaxed).newValue < 0 ? 1 : 0
            }, Unmanaged.passUnretained(budget).toOpaque())
        sqlite3_limit(db, SQLITE_LIMIT_LENGTH, Int32(clamping: maximumValueLength))
        // Exclusive locking first, before anything reads the file: the WAL index then lives in
        // heap memory. The others keep SQLite from writing temp files or trusting the schema.
        var pragmas = useWAL ? "PRAGMA locking_mode=EXCLUSIVE;" : ""
        pragmas +=
            "PRAGMA temp_store=MEMORY; PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON; PRAGMA query_only=ON;"
        let prc = sqlite3_exec(db, pragmas, nil, nil, nil)
        guard prc == SQLITE_OK else {
            let e = Self.error(prc, db, "configuring the connection", layer: layer, files: files)
            sqlite3_close_v2(db)
            SQLiteReadOnlyVFS.unregister(path)
            throw e
        }
        handle = Mutex(db)
    }

    deinit {
        handle.withLock { db in
            sqlite3_close_v2(db)
            db = nil
        }
        SQLiteReadOnlyVFS.unregister(path)
    }

    /// Runs `sql` with `arguments`, calling `body` for each row; at most `maximumRows` rows.
    func rows(
        _ sql: String, _ arguments: [SQLiteValue] = [], maximumRows: Int = 1_000_000,
        _ body: (SQLiteRow) throws -> Void
    ) throws {
        try handle.withLock { db in
            guard let db else { throw ImageError(layer, .unsupported, "connection closed") }
            var statement: OpaquePointer?
            let prc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
            guard prc == SQLITE_OK, let statement else {
                sqlite3_finalize(statement)
                throw error(prc, db, "preparing \(sql)")
            }
            defer { sqlite3_finalize(statement) }
            // Text is bound with SQLITE_TRANSIENT semantics: SQLite copies it before we return.
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, a) in arguments.enumerated() {
                let index = Int32(i + 1)
                let brc: Int32
                switch a {
                case .text(let s): brc = sqlite3_bind_text(statement, index, s, -1, transient)
                case .integer(let v): brc = sqlite3_bind_int64(statement, index, v)
                }
                guard brc == SQLITE_OK else { throw error(brc, db, "binding \(sql)") }
            }
            budget.remaining.store(Self.progressCallsPerStatement, ordering: .relaxed)
            var count = 0
            while true {
                let src = sqlite3_step(statement)
                if src == SQLITE_DONE { break }
                guard src == SQLITE_ROW else { throw error(src, db, "reading") }
                count += 1
                guard count <= maximumRows else {
                    throw ImageError(layer, .limitExceeded, "more than \(maximumRows) rows for \(sql)")
                }
                try body(SQLiteRow(statement: statement))
            }
        }
    }

    /// Turns a SQLite result code into an `ImageError`, preferring a failed guest read's own error.
    private func error(_ rc: Int32, _ db: OpaquePointer, _ what: String) -> ImageError {
        Self.error(rc, db, what, layer: layer, files: files)
    }

    private static func error(
        _ rc: Int32, _ db: OpaquePointer, _ what: String, layer: String, files: SQLiteVFSFiles
    ) -> ImageError {
        if let failure = files.takeFailure() { return failure }
        let message = String(cString: sqlite3_errmsg(db))
        let kind: ImageError.Kind
        switch rc & 0xFF {
        case SQLITE_NOTADB: kind = .badMagic
        case SQLITE_INTERRUPT, SQLITE_TOOBIG, SQLITE_NOMEM, SQLITE_FULL: kind = .limitExceeded
        case SQLITE_CANTOPEN: kind = .unsupported
        default: kind = .corrupt
        }
        return ImageError(layer, kind, "\(what): \(message) (SQLite code \(rc))")
    }
}
