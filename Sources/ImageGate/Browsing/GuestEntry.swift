/// One entry of a guest directory, as `ls -l` shows it.
public struct GuestEntry: Sendable, Equatable {
    /// What `lstat` says of an entry.
    public struct Details: Sendable, Equatable {
        /// The `ls -l` type letter: `-`, `d`, `l`, `c`, `b`, `p`, `s`, or `?` for a type the file
        /// system does not name.
        public var typeLetter: Character
        /// Permission bits (`0o7777`), without the type.
        public var permissions: UInt16
        /// Bytes for regular files and symlinks; for a directory what its file system records.
        public var size: UInt64
        /// The raw target of a symlink; nil for anything else.
        public var linkTarget: String?
    }

    public var name: String
    /// Nil when the directory lists the name but its inode cannot be found.
    public var details: Details?
}
