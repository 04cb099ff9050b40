import BlockIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A host folder read as a guest file system (an unpacked rootfs, or `/` for `--live`).
///
/// Confinement: every path is walked component by component with `openat(O_NOFOLLOW)`, so a
/// symlink inside the folder is never followed by the host, only reported (GuestTree resolves it
/// inside the guest).
public final class DirectoryFileSystem: FileSystem {
    public let rootPath: String
    public var typeName: String { "directory" }
    private let rootFD: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ImageError("directory", e == ENOENT ? .notFound : .io(errno: e), "cannot open folder \(path)")
        }
        rootFD = fd
        rootPath = path
    }

    deinit { close(rootFD) }

    /// Opens the parent directory of `path` without following any symlink on the way.
    /// Returns nil when a component is missing or is not a directory.
    private func openParent(_ path: FSPath) throws -> Int32? {
        var fd = dup(rootFD)
        guard fd >= 0 else { throw ImageError("directory", .io(errno: errno), "dup failed") }
        for c in path.parent.components {
            let next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let e = errno
            close(fd)
            if next < 0 {
                if e == ENOENT || e == ENOTDIR || e == ELOOP { return nil }
                throw ImageError("directory", .io(errno: e), "cannot open \(rootPath)\(path.parent)")
            }
            fd = next
        }
        return fd
    }

    private func lstatAt(_ path: FSPath) throws -> stat? {
        if path.isRoot {
            var st = stat()
            guard fstat(rootFD, &st) == 0 else { throw ImageError("directory", .io(errno: errno), "stat failed") }
            return st
        }
        guard let dir = try openParent(path) else { return nil }
        defer { close(dir) }
        var st = stat()
        if fstatat(dir, path.name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return nil }
            throw ImageError("directory", .io(errno: e), "cannot stat \(rootPath)\(path)")
        }
        return st
    }

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        guard let st = try lstatAt(path) else { return nil }
        return FileAttributes(
            type: FileType(mode: UInt32(st.st_mode)), permissions: UInt16(st.st_mode & 0o7777),
            size: UInt64(max(0, st.st_size)), uid: st.st_uid, gid: st.st_gid,
            modificationTime: Int64(st.st_mtim.tv_sec), linkCount: UInt32(st.st_nlink), inode: UInt64(st.st_ino))
    }

    private func openNoFollow(_ path: FSPath, flags: Int32) throws -> Int32 {
        if path.isRoot { return dup(rootFD) }
        guard let dir = try openParent(path) else {
            throw ImageError("directory", .notFound, "no such file: \(path)")
        }
        defer { close(dir) }
        let fd = openat(dir, path.name, flags | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ImageError(
                "directory", e == ENOENT ? .notFound : .io(errno: e),
                "cannot open \(path): \(String(cString: strerror(e)))")
        }
        return fd
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        let fd = try openNoFollow(path, flags: O_RDONLY | O_DIRECTORY)
        guard let dir = fdopendir(fd) else {
            close(fd)
            throw ImageError("directory", .io(errno: errno), "cannot list \(path)")
        }
        defer { closedir(dir) }
        var out: [DirectoryEntry] = []
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type: FileType
            switch Int32(ent.pointee.d_type) {
            case Int32(DT_REG): type = .regular
            case Int32(DT_DIR): type = .directory
            case Int32(DT_LNK): type = .symlink
            case Int32(DT_CHR): type = .characterDevice
            case Int32(DT_BLK): type = .blockDevice
            case Int32(DT_FIFO): type = .fifo
            case Int32(DT_SOCK): type = .socket
            default: type = (try? attributes(of: path.appending(name)))??.type ?? .unknown
            }
            out.append(DirectoryEntry(name: name, type: type))
        }
        return out
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        let a = try regularFile(path)
        return try readFile(path, at: 0, count: Int(min(UInt64(max(0, limit)), a.size)))
    }

    /// Random access with `pread` (the protocol's default re-reads the file's prefix every time).
    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count >= 0, count <= maximumSingleRead, let start = off_t(exactly: offset) else {
            throw ImageError("directory", .limitExceeded, "read of \(count) bytes at \(offset) in \(path)")
        }
        let a = try regularFile(path)
        guard offset < a.size else { return [] }
        return try readFile(path, at: start, count: Int(min(UInt64(count), a.size - offset)))
    }

    /// The attributes of `path`, which must be a regular file.
    private func regularFile(_ path: FSPath) throws -> FileAttributes {
        guard let a = try attributes(of: path) else {
            throw ImageError("directory", .notFound, "no such file: \(path)")
        }
        guard a.type == .regular else { throw ImageError("directory", .unsupported, "\(path) is not a regular file") }
        return a
    }

    /// `want` bytes of the regular file `path` from `start` (fewer if it ends sooner), by `pread`:
    /// the one read loop of `contents(of:limit:)` and `read(_:at:count:)`.
    private func readFile(_ path: FSPath, at start: off_t, count want: Int) throws -> [UInt8] {
        let fd = try openNoFollow(path, flags: O_RDONLY)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: want)
        var done = 0
        while done < want {
            let n = out.withUnsafeMutableBytes { buf in
                // Safe: writes stay inside `buf`, whose count is `want`.
                guard let base = buf.baseAddress else { return -1 }
                return pread(fd, base + done, want - done, start + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageError("directory", .io(errno: errno), "read error in \(path)")
            }
            if n == 0 { break }
            done += n
        }
        return Array(out.prefix(done))
    }

    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        guard let dir = try openParent(path) else { throw ImageError("directory", .notFound, "no such file: \(path)") }
        defer { close(dir) }
        var buf = [UInt8](repeating: 0, count: 4097)
        let n = buf.withUnsafeMutableBytes { b in
            guard let base = b.baseAddress else { return -1 }
            return readlinkat(dir, path.name, base.assumingMemoryBound(to: CChar.self), 4096)
        }
        guard n >= 0 else { throw ImageError("directory", .io(errno: errno), "cannot read link \(path)") }
        return String(decoding: buf.prefix(n), as: UTF8.self)
    }
}
