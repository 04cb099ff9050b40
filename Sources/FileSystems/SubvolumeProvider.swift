/// A file system with subvolumes (btrfs): fstab's `subvol=` and `subvolid=` open one of them.
public protocol SubvolumeProvider: FileSystem {
    /// The subvolume at `path` from the top level (`@`, `@/home`), as a file system rooted there.
    func subvolume(path: String) throws -> any FileSystem
    /// The subvolume with this id (5 is the top level).
    func subvolume(id: UInt64) throws -> any FileSystem
    /// The top-level tree (id 5), for root detection when the default subvolume is not the root.
    func topLevel() throws -> any FileSystem
}
