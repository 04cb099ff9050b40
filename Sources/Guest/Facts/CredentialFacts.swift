/// Credentials an image must not share (PROFILE-AZURE-IMAGE.md `no-credentials`): accounts with a
/// usable password, authorized SSH keys, SSH host private keys. No hash and no key is ever kept:
/// only who has one and where it is written.
public struct CredentialFacts: Sendable, Hashable, Codable {
    /// `/etc/shadow` when it was read.
    public var shadow: Evidence?
    /// Accounts whose shadow entry holds a usable password hash (root included; the check decides).
    public var usablePasswords: [PasswordAccountFact]
    /// `authorized_keys` files under `/root` and `/home/*` holding at least one key line.
    public var authorizedKeys: [AuthorizedKeysFact]
    /// SSH host private keys (`/etc/ssh/ssh_host_*_key`).
    public var hostPrivateKeys: [Evidence]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `CredentialsInspector`.
    public init(
        shadow: Evidence? = nil, usablePasswords: [PasswordAccountFact] = [], authorizedKeys: [AuthorizedKeysFact] = [],
        hostPrivateKeys: [Evidence] = [], problems: [String] = []
    ) {
        self.shadow = shadow
        self.usablePasswords = usablePasswords
        self.authorizedKeys = authorizedKeys
        self.hostPrivateKeys = hostPrivateKeys
        self.problems = problems
    }
}

/// An account with a usable password hash (the hash itself is not recorded).
public struct PasswordAccountFact: Sendable, Hashable, Codable, Comparable {
    /// The user name.
    public var user: String
    /// The shadow file.
    public var path: Evidence
    /// The line in it, from 1.
    public var line: Int

    /// Creates a value from its fields.
    public init(user: String, path: Evidence, line: Int) {
        self.user = user
        self.path = path
        self.line = line
    }

    /// Where it is written (`/etc/shadow:12`).
    public var location: String { "\(path.value):\(line)" }

    /// A stable order for sorted, deterministic output.
    public static func < (a: PasswordAccountFact, b: PasswordAccountFact) -> Bool {
        (a.line, a.user) < (b.line, b.user)
    }
}

/// An `authorized_keys` file and how many keys it lists.
public struct AuthorizedKeysFact: Sendable, Hashable, Codable, Comparable {
    /// The file.
    public var path: Evidence
    /// Lines that are neither blank nor comments.
    public var keys: Int

    /// Creates a value from its fields.
    public init(path: Evidence, keys: Int) {
        self.path = path
        self.keys = keys
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: AuthorizedKeysFact, b: AuthorizedKeysFact) -> Bool { a.path < b.path }
}
