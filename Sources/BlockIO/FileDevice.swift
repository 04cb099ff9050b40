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

    /// Opens `path` with `O_RDONLY`; throws `ImageError(layer: "file", .notFound / .io)`.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ImageError(
                "file", e == ENOENT ? .notFound : .io(errno: e), "cannot open \(path): \(String(cString: strerror(e)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw ImageError("file", .io(errno: e), "cannot stat \(path)")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ImageError("file", .unsupported, "\(path) is a directory")
        }
        var size = UInt64(max(0, st.st_size))
        if (st.st_mode & S_IFMT) == S_IFBLK {
            let end = lseek(fd, 0, SEEK_END)
            size = end > 0 ? UInt64(end) : 0
        }
        self.fd = fd
        self.path = path
        self.size = size
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
