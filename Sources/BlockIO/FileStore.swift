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

    /// What `name`, as an image stored it (a backing file, parent or extent), names when the image
    /// referencing it lives in `folder`, under the external-file policy; nil for a host path, which
    /// `OpenContext.resolveReferencedFile` resolves by its own rules. Throws `.unsupported` when the
    /// policy refuses it (`layer`, `offset`: where the name was read).
    func resolveReferenced(
        _ name: String, in folder: String, allowExternalFiles: Bool, layer: String, at offset: UInt64?
    ) throws -> String?

    /// The folder of a name `resolveReferenced` returned (for that file's own references); nil for
    /// a host path.
    func folder(of name: String) -> String?
}

extension FileStore {
    public func resolveReferenced(
        _ name: String, in folder: String, allowExternalFiles: Bool, layer: String, at offset: UInt64?
    ) throws -> String? { nil }
    public func folder(of name: String) -> String? { nil }
}

/// Host files, read with `pread` through `FileDevice` (which libblkid can then probe in place).
public struct LocalFileStore: FileStore {
    public init() {}
    public func open(_ name: String) throws -> any BlockDevice { try FileDevice(path: name) }
}
