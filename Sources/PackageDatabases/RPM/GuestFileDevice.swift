import BlockIO
import FileSystems

/// A regular file of a guest file system seen as a `BlockDevice`, read with
/// `FileSystem.read(_:at:count:)`: random access, only the ranges asked for.
///
/// The rpm database readers (SQLite's VFS, Berkeley DB pages, ndb blobs) read through it, usually
/// wrapped in a `CountingDevice` so a caller can see how much of the database was read.
public struct GuestFileDevice: BlockDevice {
    public let fileSystem: any FileSystem
    public let path: FSPath
    public let size: UInt64

    /// - Parameter size: the file's size from its attributes.
    public init(fileSystem: any FileSystem, path: FSPath, size: UInt64) {
        self.fileSystem = fileSystem
        self.path = path
        self.size = size
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: fileSystem.typeName)
        var done = 0
        // A file system may return fewer bytes than asked (its own chunking): keep asking. Each
        // pass makes progress or throws, so the loop ends.
        while done < buffer.count {
            let bytes = try fileSystem.read(path, at: offset + UInt64(done), count: buffer.count - done)
            guard !bytes.isEmpty, bytes.count <= buffer.count - done else {
                throw ImageError(
                    fileSystem.typeName, .truncated, "short read of \(path) (file size \(size))",
                    at: offset + UInt64(done))
            }
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(rebasing: buffer[done..<done + bytes.count]).copyMemory(from: src)
            }
            done += bytes.count
        }
    }
}
