/// sudo's policy as `/etc/sudoers` and the files it includes say (PROFILE-AZURE-IMAGE.md
/// `sudoers`): the lines that make sudo ask for the target's password or let everyone run anything.
public struct SudoersFacts: Sendable, Hashable, Codable {
    /// Every file read, in the order sudo reads them.
    public var files: [Evidence]
    /// `Defaults` lines that set `targetpw` (sudo asks for root's password, which Azure never sets).
    public var targetpw: [SudoersLineFact]
    /// `ALL ALL=(ALL) ALL` lines (every user may run every command as anyone).
    public var allUsersAll: [SudoersLineFact]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `SudoersInspector`.
    public init(
        files: [Evidence] = [], targetpw: [SudoersLineFact] = [], allUsersAll: [SudoersLineFact] = [],
        problems: [String] = []
    ) {
        self.files = files
        self.targetpw = targetpw
        self.allUsersAll = allUsersAll
        self.problems = problems
    }
}

/// One logical line of a sudoers file (continuations joined).
public struct SudoersLineFact: Sendable, Hashable, Codable {
    /// The file.
    public var path: Evidence
    /// The line where it starts, from 1.
    public var line: Int
    /// The line as written, comment dropped and blanks collapsed.
    public var text: String

    /// Creates a value from its fields.
    public init(path: Evidence, line: Int, text: String) {
        self.path = path
        self.line = line
        self.text = text
    }

    /// Where it is written (`/etc/sudoers:12`).
    public var location: String { "\(path.value):\(line)" }
}
