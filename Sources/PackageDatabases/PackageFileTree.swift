import FileSystems

/// A guest path resolved to the file system that holds it, as a package database reads it.
public struct PackageFile: Sendable {
    /// The canonical guest path, free of symlinks (for evidence).
    public var guestPath: String
    public var fileSystem: any FileSystem
    /// The path inside `fileSystem`.
    public var path: FSPath
    public var attributes: FileAttributes

    public init(guestPath: String, fileSystem: any FileSystem, path: FSPath, attributes: FileAttributes) {
        self.guestPath = guestPath
        self.fileSystem = fileSystem
        self.path = path
        self.attributes = attributes
    }
}

/// The guest's files as the package databases see them. This seam keeps the databases below the
/// guest layer: `GuestTree` (module Guest) conforms and is the only place symlinks and mounts are
/// followed; a database never resolves a link itself.
public protocol PackageFileTree: Sendable {
    /// Resolves `path` through symlinks and mounts (all but a final link when `followFinal` is
    /// false); nil when some component does not exist.
    func file(_ path: String, followFinal: Bool) throws -> PackageFile?
}

extension PackageFileTree {
    /// Resolves `path`, following every link; nil when it does not exist.
    public func file(_ path: String) throws -> PackageFile? { try file(path, followFinal: true) }
}
