/// Where the named files of an image come from: the image itself, then the backing files,
/// parents and extents it names.
///
/// Every layer opens files through the store it was handed (`OpenContext.store`,
/// `OpenOptions.fileStore`), never by path itself, so one image can be read from the local disk
/// or from somewhere else (an HTTP server) by the same code. Counting is the caller's job: it
/// wraps what `open` returns in one `CountingDevice`.
public protocol FileStore: Sendable {
    /// Opens `name` (as resolved by `OpenContext.resolveReferencedFile`, or as the user gave it)
    /// read-only. Throws `ImageError` (`.notFound` when it does not exist).
    func open(_ name: String) throws -> any BlockDevice
}

/// Host files, read with `pread` through `FileDevice` (which libblkid can then probe in place).
public struct LocalFileStore: FileStore {
    public init() {}
    public func open(_ name: String) throws -> any BlockDevice { try FileDevice(path: name) }
}
