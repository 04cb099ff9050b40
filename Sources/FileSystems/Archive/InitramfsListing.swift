import BlockIO
import CArchive

/// The names inside an initramfs: concatenated cpio archives, an uncompressed "early" one (CPU
/// microcode) first, then one compressed with gzip, xz, zstd or lz4.
///
/// ```
/// offset 0      070701… newc cpio (early)  … "TRAILER!!!"  zero padding
/// offset n      1f 8b (gzip) | fd 37 7a 58 5a (xz) | 28 b5 2f fd (zstd) | 02 21 4c 18 (lz4)  → cpio
/// ```
/// The uncompressed archives are walked here header by header (cpio(5) "New ASCII Format"); the
/// compressed rest is handed to libarchive, which decompresses it as a stream read from the
/// file in 1 MiB pieces. Only names are listed; file contents are skipped.
public struct InitramfsListing: Sendable {
    /// Names (without a leading `./` or `/`), in archive order.
    public private(set) var names: [String] = []
    /// `cpio`, `gzip cpio`, …, one per archive.
    public private(set) var archives: [String] = []

    static let maximumEntries = 200_000
    static let maximumSize: UInt64 = 1 << 30
    /// Decompressed bytes libarchive may produce before the listing is abandoned.
    static let maximumExpandedSize: Int64 = 4 << 30
    static let maximumSegments = 16
    static let headerSize = 110

    /// Lists the initramfs at `inner` of `fs`, a regular file of `size` bytes; throws `ImageError`
    /// (layer `initramfs` or `cpio`). `name` (the guest path, by default `inner`) names it in errors.
    public init(fileSystem fs: any FileSystem, path inner: FSPath, size: UInt64, name: String? = nil) throws {
        guard size <= Self.maximumSize else {
            throw ImageError(
                "initramfs", .limitExceeded, "\(name ?? inner.description) is \(size) bytes (limit \(Self.maximumSize))"
            )
        }
        var offset: UInt64 = 0
        for _ in 0..<Self.maximumSegments {
            offset = try Self.skipZeros(fs, inner, from: offset, size: size)
            guard offset < size else { return }
            let magic = try fs.read(inner, at: offset, count: 6)
            if magic == Array("070701".utf8) || magic == Array("070702".utf8) {
                offset = try walkNewc(fs, inner, from: offset, size: size)
                archives.append("cpio")
            } else {
                try listCompressed(fs, inner, from: offset, size: size)
                return
            }
        }
    }

    /// The first non-zero byte at or after `offset` (archives are padded with zeros).
    static func skipZeros(_ fs: any FileSystem, _ path: FSPath, from offset: UInt64, size: UInt64) throws -> UInt64 {
        var at = offset
        while at < size {
            let chunk = try fs.read(path, at: at, count: 64 << 10)
            guard !chunk.isEmpty else { return size }
            if let nz = chunk.firstIndex(where: { $0 != 0 }) { return at + UInt64(nz) }
            at += UInt64(chunk.count)
        }
        return size
    }

    /// Walks one uncompressed newc archive; returns the offset after its trailer.
    mutating func walkNewc(_ fs: any FileSystem, _ path: FSPath, from start: UInt64, size: UInt64) throws -> UInt64 {
        var offset = start
        while names.count < Self.maximumEntries {
            let head = try fs.read(path, at: offset, count: Self.headerSize)
            let header = try NewcHeader(head, at: offset)
            let nameBytes = try fs.read(path, at: offset + UInt64(Self.headerSize), count: header.nameSize)
            guard nameBytes.count == header.nameSize, nameBytes.last == 0 else {
                throw ImageError("cpio", .truncated, "name of \(header.nameSize) bytes cut short", at: offset)
            }
            let name = String(decoding: nameBytes.dropLast(), as: UTF8.self)
            let dataStart = Self.align4(offset + UInt64(Self.headerSize) + UInt64(header.nameSize))
            let next = Self.align4(dataStart + header.fileSize)
            guard next <= size else {
                throw ImageError("cpio", .truncated, "entry '\(name)' runs past the end of the file", at: offset)
            }
            if name == "TRAILER!!!" { return next }
            names.append(Self.normalize(name))
            offset = next
        }
        throw ImageError("cpio", .limitExceeded, "more than \(Self.maximumEntries) entries", at: offset)
    }

    static func align4(_ v: UInt64) -> UInt64 { (v + 3) & ~3 }

    static func normalize(_ name: String) -> String {
        var s = Substring(name)
        while s.hasPrefix("./") { s = s.dropFirst(2) }
        while s.hasPrefix("/") { s = s.dropFirst() }
        return String(s)
    }

    /// Lists the rest of the file through libarchive (any compression filter, cpio format).
    mutating func listCompressed(_ fs: any FileSystem, _ path: FSPath, from offset: UInt64, size: UInt64) throws {
        let a = try ArchiveStream.newReader(layer: "initramfs")
        defer { ig_archive_read_free(a) }
        ig_archive_read_support_filter_all(a)
        ig_archive_read_support_format_cpio(a)
        let source = InitramfsSource(fs: fs, path: path, offset: offset, end: size)
        let opened = ig_archive_read_open(a, Unmanaged.passUnretained(source).toOpaque(), nil, archiveRead, nil)
        guard opened == ARCHIVE_OK else {
            throw Self.error(a, source, "cannot open the compressed archive", at: offset)
        }
        var entry: OpaquePointer?
        var count = 0
        while true {
            let rc = ig_archive_read_next_header(a, &entry)
            if rc == ARCHIVE_EOF { break }
            guard rc == ARCHIVE_OK || rc == ARCHIVE_WARN, let entry else {
                throw Self.error(a, source, "cannot read an entry after \(count) names", at: offset)
            }
            if let c = ig_archive_entry_pathname(entry) { names.append(Self.normalize(String(cString: c))) }
            count += 1
            guard names.count < Self.maximumEntries else {
                throw ImageError("initramfs", .limitExceeded, "more than \(Self.maximumEntries) entries", at: offset)
            }
            guard ig_archive_filter_bytes(a, 0) <= Self.maximumExpandedSize else {
                throw ImageError(
                    "initramfs", .limitExceeded, "expands past \(Self.maximumExpandedSize) bytes", at: offset)
            }
        }
        let filter = ig_archive_filter_name(a, 0).map { String(cString: $0) } ?? "?"
        archives.append(filter == "none" ? "cpio" : "\(filter) cpio")
    }

    static func error(_ a: OpaquePointer, _ source: InitramfsSource, _ what: String, at offset: UInt64) -> ImageError {
        if let e = source.error { return e }
        let message = ig_archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
        return ImageError("initramfs", .corrupt, "\(what): \(message)", at: offset)
    }
}

/// The reader libarchive pulls from: the file from `offset` to `end`, 1 MiB at a time.
final class InitramfsSource {
    let fs: any FileSystem
    let path: FSPath
    var offset: UInt64
    let end: UInt64
    var error: ImageError?
    /// The piece handed to libarchive; valid until the next callback, as libarchive requires.
    let buffer: UnsafeMutableRawBufferPointer
    static let chunkSize = 1 << 20

    init(fs: any FileSystem, path: FSPath, offset: UInt64, end: UInt64) {
        self.fs = fs
        self.path = path
        self.offset = offset
        self.end = end
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Fills `buffer` with the next piece; returns its length, 0 at the end, -1 on error.
    func next() -> Int {
        guard offset < end else { return 0 }
        let want = Int(min(UInt64(Self.chunkSize), end - offset))
        do {
            let bytes = try fs.read(path, at: offset, count: want)
            guard !bytes.isEmpty, let base = buffer.baseAddress else { return 0 }
            bytes.withUnsafeBytes { src in
                // Safe: `src.count` ≤ `want` ≤ `chunkSize`, the buffer's size.
                if let s = src.baseAddress { base.copyMemory(from: s, byteCount: min(src.count, Self.chunkSize)) }
            }
            offset += UInt64(bytes.count)
            return bytes.count
        } catch let e as ImageError {
            error = e
            return -1
        } catch {
            self.error = ImageError("initramfs", .corrupt, "\(error)")
            return -1
        }
    }
}

/// libarchive's read callback: `client` is an unretained `InitramfsSource` kept alive by the caller
/// for the whole read; `out` receives a pointer into its buffer, valid until the next call.
private func archiveRead(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    guard let client, let out else { return -1 }
    let source = Unmanaged<InitramfsSource>.fromOpaque(client).takeUnretainedValue()
    let n = source.next()
    out.pointee = UnsafeRawPointer(source.buffer.baseAddress)
    return la_ssize_t(n)
}

/// A cpio "new ASCII" header: `070701` and thirteen 8-digit hexadecimal fields (cpio(5)).
struct NewcHeader {
    let fileSize: UInt64
    let nameSize: Int

    init(_ bytes: [UInt8], at offset: UInt64) throws {
        var r = ByteReader(bytes, layer: "cpio", base: offset)
        let magic = try r.bytes(6)  // 0x00 c_magic
        guard magic == Array("070701".utf8) || magic == Array("070702".utf8) else {
            throw ImageError("cpio", .badMagic, "not a newc cpio header", at: offset)
        }
        var fields: [UInt32] = []
        for k in 0..<13 {  // 0x06 c_ino … 0x66 c_check, 8 hex digits each
            let digits = try r.bytes(8)
            guard let v = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
                throw ImageError("cpio", .corrupt, "field \(k) is not hexadecimal", at: offset + 6 + UInt64(8 * k))
            }
            fields.append(v)
        }
        fileSize = UInt64(fields[6])  // 0x36 c_filesize
        let nameSize = Int(fields[11])  // 0x5E c_namesize (with its NUL)
        guard nameSize >= 1, nameSize <= 4096 else {
            throw ImageError("cpio", .corrupt, "name size \(nameSize)", at: offset + 0x5E)
        }
        self.nameSize = nameSize
    }
}
