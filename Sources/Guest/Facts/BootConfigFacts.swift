/// `/etc/fstab` as the guest mounts it at boot (profile `azure-image`: `fstab-persistent`,
/// `no-swap-osdisk`).
public struct FstabFacts: Sendable, Equatable, Codable {
    /// `/etc/fstab` when it exists.
    public var evidence: [Evidence]
    /// Its entries in file order.
    public var entries: [FstabEntry]
    /// Why it could not be read, when it could not.
    public var unreadable: String?

    public init(evidence: [Evidence] = [], entries: [FstabEntry] = [], unreadable: String? = nil) {
        self.evidence = evidence
        self.entries = entries
        self.unreadable = unreadable
    }
}

/// `/etc/modprobe.d` lines that keep a module from loading (profile `azure-image`:
/// `kernel-modules-enabled`).
public struct ModprobeFacts: Sendable, Hashable, Codable {
    /// The `.conf` files read, sorted.
    public var files: [Evidence]
    /// Every `blacklist NAME` and `install NAME /bin/false` (or `/bin/true`, `false`, `true`) line,
    /// in file then line order.
    public var blocks: [ModprobeBlock]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    public init(files: [Evidence] = [], blocks: [ModprobeBlock] = [], problems: [String] = []) {
        self.files = files
        self.blocks = blocks
        self.problems = problems
    }
}

/// One modprobe.d line that blocks a module.
public struct ModprobeBlock: Sendable, Hashable, Codable {
    /// The module name with `_` for `-`.
    public var module: String
    /// The line as written.
    public var line: String
    /// `/etc/modprobe.d/FILE.conf:LINE`.
    public var evidence: Evidence

    public init(module: String, line: String, evidence: Evidence) {
        self.module = module
        self.line = line
        self.evidence = evidence
    }
}
