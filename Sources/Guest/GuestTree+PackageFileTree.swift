import PackageDatabases

/// The package databases read the guest through `PackageFileTree`; the tree resolves for them.
extension GuestTree: PackageFileTree {
    public func file(_ path: String, followFinal: Bool) throws -> PackageFile? {
        try resolve(path, followFinal: followFinal).map {
            PackageFile(
                guestPath: $0.guestPath.description, fileSystem: $0.mount.fileSystem, path: $0.path,
                attributes: $0.attributes)
        }
    }
}
