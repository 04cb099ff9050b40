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
    /// Nil when the directory lists the name but its inode cannot be found or read.
    public var details: Details?
    /// Why this one entry could not be read (a damaged inode, a link target past its end),
    /// when it could not: the rest of the directory is listed all the same.
    public var problem: ImageError?

    public init(name: String, details: Details?, problem: ImageError? = nil) {
        self.name = name
        self.details = details
        self.problem = problem
    }
}
