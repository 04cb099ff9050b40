import BlockIO
import CArchive

/// The libarchive side: a sequential reader over a `BlockDevice` fed to libarchive through
/// callbacks, and the walk over entries. The corresponding C functions are
/// `archive_read_open`, `archive_read_next_header`, `archive_read_data`.
enum ArchiveStream {
    static let layer = ArchiveFileSystem.layer
    static let chunk = 256 << 10
    /// What `recognizes` hands libarchive at a time: its bidders need the first few hundred bytes
    /// (behind a decompressor, what the first block inflates to) and ask again when short, while
    /// every image (a disk image too) is asked first: 256 KiB here was 6 % of a Debian check's bytes.
    static let recognitionChunk = 16 << 10

    /// The state libarchive's callbacks reach through their `client_data` pointer.
    final class Source {
        let device: any BlockDevice
        var offset: UInt64 = 0
        var error: (any Error)?
        let buffer: UnsafeMutableRawBufferPointer

        init(_ device: any BlockDevice, chunk: Int = ArchiveStream.chunk) {
            self.device = device
            buffer = .allocate(byteCount: chunk, alignment: 16)
        }
        deinit { buffer.deallocate() }

        /// Next piece of the device; 0 at its end, -1 (with `error` set) on failure.
        func next(_ out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
            let n = Int(min(UInt64(buffer.count), device.size - offset))
            guard n > 0 else { return 0 }
            do {
                try device.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]), at: offset)
            } catch {
                self.error = error
                return -1
            }
            offset += UInt64(n)
            out?.pointee = UnsafeRawPointer(buffer.baseAddress)
            return n
        }
    }

    /// Throws why libarchive could not be loaded (it is opened on the first call), if it could not.
    static func requireLibrary(layer: String) throws {
        if let problem = ig_archive_load() { throw ImageError(layer, .unsupported, String(cString: problem)) }
    }

    /// A new libarchive reader, or why there is none: libarchive is opened on first use
    /// (carchive.h), so a missing library is this error, not a failure to start.
    static func newReader(layer: String) throws -> OpaquePointer {
        try requireLibrary(layer: layer)
        guard let a = ig_archive_read_new() else {
            throw ImageError(layer, .io(errno: 12), "libarchive: out of memory")
        }
        return a
    }

    /// A new reader for tar (ustar, pax, GNU) and cpio, behind every decompression filter.
    static func open(_ source: Source) throws -> OpaquePointer {
        let a = try newReader(layer: layer)
        ig_archive_read_support_filter_all(a)
        ig_archive_read_support_format_tar(a)
        ig_archive_read_support_format_gnutar(a)
        ig_archive_read_support_format_cpio(a)
        // Safe: `source` outlives the reader (callers keep it and free the reader first).
        let client = Unmanaged.passUnretained(source).toOpaque()
        let status = ig_archive_read_open(
            a, client, nil,
            { _, client, out in
                guard let client else { return -1 }
                return Unmanaged<Source>.fromOpaque(client).takeUnretainedValue().next(out)
            }, nil)
        guard status == ARCHIVE_OK else {
            let message = errorString(a)
            ig_archive_read_free(a)
            throw source.error ?? ImageError(layer, .unsupported, "not a tar or cpio archive: \(message)", at: 0)
        }
        return a
    }

    static func errorString(_ a: OpaquePointer) -> String {
        ig_archive_error_string(a).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// An error from libarchive at the current entry: the device's own error when reading failed,
    /// `.truncated` for a stream that ends early, `.corrupt` otherwise.
    static func failure(_ a: OpaquePointer, _ source: Source, _ what: String, base: UInt64) -> any Error {
        if let e = source.error { return e }
        let message = errorString(a)
        let at = base + UInt64(max(0, ig_archive_read_header_position(a)))
        let kind: ImageError.Kind =
            message.lowercased().contains("truncat") || message.contains("premature") ? .truncated : .corrupt
        return ImageError(layer, kind, "\(what): \(message)", at: at)
    }

    static func recognizes(_ device: any BlockDevice) throws -> Bool {
        // Without libarchive a tarball cannot be told from a raw disk: that is the error.
        try requireLibrary(layer: layer)
        let source = Source(device, chunk: recognitionChunk)
        guard let a = try? open(source) else { return false }
        defer { ig_archive_read_free(a) }
        var entry: OpaquePointer?
        let status = ig_archive_read_next_header(a, &entry)
        return status == ARCHIVE_OK || status == ARCHIVE_WARN
    }

    /// Reads every entry of the archive on `device` into `builder`; returns bytes read.
    /// `base` is the device offset of this archive in a concatenation (for error offsets).
    static func read(_ device: any BlockDevice, into builder: inout ArchiveTreeBuilder, base: UInt64 = 0) throws
        -> UInt64
    {
        let source = Source(device)
        let a = try open(source)
        defer { ig_archive_read_free(a) }
        while let entry = try nextHeader(a, source, base: base) {
            try add(entry, a, source, into: &builder, base: base)
            builder.entries += 1
        }
        return source.offset
    }

    /// The next entry's header, nil at the end of the archive; one libarchive cannot read is an
    /// error naming where. The one header loop step of the first pass and of a later one.
    private static func nextHeader(_ a: OpaquePointer, _ source: Source, base: UInt64) throws -> OpaquePointer? {
        var entry: OpaquePointer?
        let status = ig_archive_read_next_header(a, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw failure(a, source, "bad archive header", base: base)
        }
        return entry
    }

    /// One archive of a (possibly concatenated) source, as a later pass reads it again.
    struct Segment: Sendable {
        let device: any BlockDevice
        /// Its offset in the concatenation (for error offsets).
        let base: UInt64
    }

    /// Hands `body` the data of entry number `index` (counted over all headers of `segments`, as
    /// the first pass counted them, so a duplicate or a cpio hard link names the same entry)
    /// from byte `offset` on, in pieces of at most `chunk` bytes, until the data ends or `body`
    /// returns false: one more sequential pass, stopped at that entry. Returns the data bytes
    /// handed on; throws `.truncated` when the entry holds fewer than `size` bytes.
    static func data(
        ofEntry index: Int, size: UInt64, in segments: [Segment], from offset: UInt64, chunk: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws -> UInt64 {
        var seen = 0
        for segment in segments {
            let source = Source(segment.device)
            let a = try open(source)
            defer { ig_archive_read_free(a) }
            while try nextHeader(a, source, base: segment.base) != nil {
                guard seen == index else {
                    seen += 1
                    continue
                }
                return try data(a, source, size: size, from: offset, chunk: chunk, base: segment.base, body)
            }
        }
        throw ImageError(layer, .corrupt, "entry \(index) is no longer in the archive (it changed since it was read)")
    }

    /// The current entry's data from `offset` (the bytes before it read and dropped).
    private static func data(
        _ a: OpaquePointer, _ source: Source, size: UInt64, from offset: UInt64, chunk: Int, base: UInt64,
        _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws -> UInt64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunk), alignment: 16)
        defer { buffer.deallocate() }
        var position: UInt64 = 0
        var handed: UInt64 = 0
        while position < size {
            // Up to `offset` the pieces end there, so the first piece handed on starts at it.
            let room = position < offset ? min(UInt64(buffer.count), offset - position) : UInt64(buffer.count)
            let want = Int(min(room, size - position))
            try fill(
                a, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), source, size: size, from: position,
                base: base)
            let start = position
            position += UInt64(want)
            guard start >= offset else { continue }
            handed += UInt64(want)
            guard try body(UnsafeRawBufferPointer(rebasing: buffer[0..<want])) else { break }
        }
        return handed
    }

    private static func add(
        _ e: OpaquePointer, _ a: OpaquePointer, _ source: Source, into builder: inout ArchiveTreeBuilder, base: UInt64
    ) throws {
        let at = base + UInt64(max(0, ig_archive_read_header_position(a)))
        let name =
            ig_archive_entry_pathname_utf8(e).map { String(cString: $0) }
            ?? ig_archive_entry_pathname(e).map { String(cString: $0) } ?? ""
        guard let path = builder.rebase(try ArchiveTreeBuilder.path(name, at: at)) else { return }
        let mode = UInt32(ig_archive_entry_mode(e))
        let size = UInt64(max(0, ig_archive_entry_size(e)))
        var attributes = FileAttributes(
            type: FileType(mode: mode), permissions: UInt16(mode & 0o7777), size: size,
            uid: UInt32(truncatingIfNeeded: ig_archive_entry_uid(e)),
            gid: UInt32(truncatingIfNeeded: ig_archive_entry_gid(e)),
            modificationTime: Int64(ig_archive_entry_mtime(e)),
            linkCount: UInt32(truncatingIfNeeded: ig_archive_entry_nlink(e)),
            inode: UInt64(truncatingIfNeeded: ig_archive_entry_ino64(e)))
        if let hard = ig_archive_entry_hardlink_utf8(e) ?? ig_archive_entry_hardlink(e) {
            let stored = try ArchiveTreeBuilder.path(String(cString: hard), at: at)
            let target = builder.rebase(stored) ?? stored
            if size > 0, ig_archive_entry_size_is_set(e) != 0 {
                let data =
                    builder.wantsBytes(path) || builder.wantsBytes(target)
                    ? try readData(a, source, size: size, cap: builder.sizeCap, base: base) : nil
                builder.attachData(data, size: size, entry: builder.entries, to: target)
            }
            if target != path {
                attributes.type = .regular
                try builder.add(path, .init(attributes: attributes, kind: .hardlink(target: target)), at: at)
            }
            return
        }
        let kind: ArchiveFileSystem.Kind
        switch attributes.type {
        case .regular:
            kind = .regular(
                data: builder.wantsBytes(path)
                    ? try readData(a, source, size: size, cap: builder.sizeCap, base: base) : nil,
                entry: builder.entries)
        case .directory:
            kind = .directory
            attributes.size = 0
        case .symlink:
            let target = ig_archive_entry_symlink_utf8(e) ?? ig_archive_entry_symlink(e)
            let text = target.map { String(cString: $0) } ?? ""
            kind = .symlink(target: text)
            attributes.size = UInt64(text.utf8.count)
        default:
            kind = .other
        }
        try builder.add(path, .init(attributes: attributes, kind: kind), at: at)
    }

    /// The first `cap` bytes of the current entry (sparse holes come back as zeros).
    private static func readData(_ a: OpaquePointer, _ source: Source, size: UInt64, cap: Int, base: UInt64) throws
        -> [UInt8]
    {
        // Uninitialised: `fill` writes every byte or throws (zeroing them first cost 2 % of a
        // check of the Debian tarball, whose interest keeps 120 MB: every module, the kernel).
        let count = Int(min(size, UInt64(cap)))
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try fill(a, UnsafeMutableRawBufferPointer(buffer), source, size: size, from: 0, base: base)
            initialized = count
        }
    }

    /// Fills all of `buffer` with the current entry's next bytes (from byte `position` of its
    /// `size`); an entry that ends first is `.truncated`. The one loop over `archive_read_data`.
    private static func fill(
        _ a: OpaquePointer, _ buffer: UnsafeMutableRawBufferPointer, _ source: Source, size: UInt64,
        from position: UInt64,
        base: UInt64
    ) throws {
        var filled = 0
        while filled < buffer.count {
            // Safe: libarchive writes at most `buffer.count - filled` bytes into the rest of `buffer`.
            let n = ig_archive_read_data(a, buffer.baseAddress?.advanced(by: filled), buffer.count - filled)
            if n == 0 { break }
            guard n > 0 else { throw failure(a, source, "cannot read entry data", base: base) }
            filled += n
        }
        guard filled == buffer.count else {
            throw ImageError(
                layer, .truncated, "entry data ends after \(position + UInt64(filled)) of \(size) bytes",
                at: base + UInt64(max(0, ig_archive_read_header_position(a))))
        }
    }
}
