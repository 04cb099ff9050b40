#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A host file opened read-only, read with `pread` (no shared cursor, so it is safe to share).
///
/// The only place in imagegate that reads host files for images.
public final class FileDevice: BlockDevice {
    public let path: String
    public let size: UInt64
    private let fd: Int32

    /// Opens `path` read-only; only a regular file or a block device (given on purpose: a real
    /// disk) is accepted. A FIFO, socket or character device is refused before anything reads
    /// it (an open of a FIFO without `O_NONBLOCK` blocks forever): `stat` first, then `open` with
    /// `O_NONBLOCK`, then `fstat` again on the descriptor in case the path was swapped in between.
    /// Throws `ImageError(layer: "file", .notFound / .unsupported / .io)`.
    public init(path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 { try Self.refuseSpecial(st, path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            throw ImageError(
                "file", e == ENOENT ? .notFound : .io(errno: e), "cannot open \(path): \(String(cString: strerror(e)))")
        }
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw ImageError("file", .io(errno: e), "cannot stat \(path)")
        }
        do { try Self.refuseSpecial(st, path) } catch {
            close(fd)
            throw error
        }
        // Regular files and block devices never block; the flag only mattered for the open.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var size = UInt64(max(0, st.st_size))
        if (st.st_mode & S_IFMT) == S_IFBLK {
            let end = lseek(fd, 0, SEEK_END)
            size = end > 0 ? UInt64(end) : 0
        }
        self.fd = fd
        self.path = path
        self.size = size
    }

    static func refuseSpecial(_ st: stat, _ path: String) throws(ImageError) {
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFBLK: return
        case S_IFDIR: throw ImageError("file", .unsupported, "\(path) is a directory")
        case S_IFIFO: throw ImageError("file", .unsupported, "\(path) is a FIFO, not a regular file")
        case S_IFSOCK: throw ImageError("file", .unsupported, "\(path) is a socket, not a regular file")
        case S_IFCHR: throw ImageError("file", .unsupported, "\(path) is a character device, not a regular file")
        default: throw ImageError("file", .unsupported, "\(path) is not a regular file")
        }
    }

    /// The open descriptor, for probes that must read the file themselves (libblkid, in place).
    /// Read-only use with `pread` only: never close it, seek it or keep it past this device's life.
    public var fileDescriptor: Int32 { fd }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "file")
        var done = 0
        while done < buffer.count {
            // Safe: the base address is non-nil when count > 0 and we never write past `buffer.count`.
            guard let base = buffer.baseAddress else { return }
            let n = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageError("file", .io(errno: errno), "read error in \(path)", at: offset + UInt64(done))
            }
            if n == 0 {
                throw ImageError("file", .truncated, "unexpected end of \(path)", at: offset + UInt64(done))
            }
            done += n
        }
    }
}
