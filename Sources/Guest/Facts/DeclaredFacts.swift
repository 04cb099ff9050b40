/// What a caller (a user policy) asks inspection to look at beyond the built-in inspectors' own
/// interests: package names to record, kernel modules to look for, files to describe.
///
/// Requirements never open files: they judge facts. So whatever a policy rule will judge has to
/// be gathered while the image is open, and the rule's paths, names and patterns are handed to
/// inspection up front. The same value widens what a stream-only source (a tarball) keeps
/// (`patterns`), so a `file` rule sees the same bytes from a folder, a disk or a tarball.
public struct DeclaredInterest: Sendable, Hashable {
    /// Package names recorded in `GuestFacts.packages` besides `PackageDatabaseInspector.namesOfInterest`.
    public var packages: Set<String>
    /// Module names (`_` or `-` spelling) looked for in every kernel, with the config symbols
    /// that build each in (`CONFIG_E1000E`), possibly none.
    public var modules: [String: [String]]
    /// Files described in `GuestFacts.declaredFiles`, by absolute guest path.
    public var files: [String: DeclaredFile]
    /// List every kernel's initramfs even when no azure-vm-utils hook is installed (the checks of
    /// the boot modules inside it ask for this): listing means decompressing tens of MiB, so a
    /// run whose checks do not need it does not pay for it.
    public var initramfsImages: Bool

    /// Nothing declared.
    public init(
        packages: Set<String> = [], modules: [String: [String]] = [:], files: [String: DeclaredFile] = [:],
        initramfsImages: Bool = false
    ) {
        self.packages = packages
        self.modules = modules
        self.files = files
        self.initramfsImages = initramfsImages
    }

    /// True when nothing is declared.
    public var isEmpty: Bool { packages.isEmpty && modules.isEmpty && files.isEmpty && !initramfsImages }

    /// Adds what `other` declares (patterns of one path are merged, owner names are kept if either asks).
    public mutating func formUnion(_ other: DeclaredInterest) {
        packages.formUnion(other.packages)
        initramfsImages = initramfsImages || other.initramfsImages
        modules.merge(other.modules) { Array(Set($0 + $1)).sorted() }
        files.merge(other.files) { a, b in
            DeclaredFile(
                patterns: Array(Set(a.patterns + b.patterns)).sorted(),
                needsOwnerNames: a.needsOwnerNames || b.needsOwnerNames)
        }
    }

    /// Guest paths whose bytes inspection reads: the declared files whose content is searched,
    /// and the account databases when an owner is named. A tarball keeps these (`GuestInterest`).
    public var patterns: [String] {
        var out = files.filter { !$0.value.patterns.isEmpty }.map(\.key).sorted()
        if files.values.contains(where: \.needsOwnerNames) { out += DeclaredFilesInspector.accountFiles }
        return out
    }
}

/// What is wanted of one declared file.
public struct DeclaredFile: Sendable, Hashable {
    /// Regular expressions searched in its content (`^` and `$` match at line ends).
    public var patterns: [String]
    /// An owner rule names a user or group, so the guest's `/etc/passwd` and `/etc/group` are read.
    public var needsOwnerNames: Bool

    /// Creates a value from its fields.
    public init(patterns: [String] = [], needsOwnerNames: Bool = false) {
        self.patterns = patterns
        self.needsOwnerNames = needsOwnerNames
    }
}

/// One declared file as the image has it.
public struct DeclaredFileFacts: Sendable, Hashable, Codable, Comparable {
    /// The path as declared.
    public var path: String
    /// The canonical path after symlinks, nil when absent.
    public var resolved: String?
    /// `regular`, `directory`, `symlink`, … ; nil when absent.
    public var type: String?
    /// Permission bits as four octal digits (`0644`); nil when absent.
    public var mode: String?
    public var uid: UInt32?
    public var gid: UInt32?
    /// The names of `uid` and `gid` in the guest's `/etc/passwd` and `/etc/group`, when listed there.
    public var user: String?
    public var group: String?
    /// Per declared pattern, where it first matched; a pattern absent here was not searched
    /// (see `unreadable`), one mapped to nil did not match.
    public var matches: [PatternMatch]
    /// Why the content could not be searched (too large, binary, not a regular file); nil when it was.
    public var unreadable: String?

    /// Creates a value from its fields.
    public init(path: String) {
        self.path = path
        matches = []
    }

    /// True when the path exists (a final symlink followed).
    public var exists: Bool { type != nil }

    /// A stable order for sorted, deterministic output.
    public static func < (a: DeclaredFileFacts, b: DeclaredFileFacts) -> Bool { a.path < b.path }
}

/// Whether one pattern matched a declared file's content.
public struct PatternMatch: Sendable, Hashable, Codable {
    /// The regular expression.
    public var pattern: String
    /// The line (from 1) where the first match starts; nil when nothing matched. Only the number
    /// is kept: the line could hold a secret, and facts are printed.
    public var line: Int?

    /// Creates a value from its fields.
    public init(pattern: String, line: Int?) {
        self.pattern = pattern
        self.line = line
    }
}
