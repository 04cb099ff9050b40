import BlockIO

/// Reads `/etc/shadow`, the `authorized_keys` files of root and `/home/*`, and lists the SSH host
/// private keys. Only "has a usable hash" and "has keys" leave this file: never a hash or a key.
public struct CredentialsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "credentials"
    static let shadow = "/etc/shadow"
    static let sshDirectory = "/etc/ssh"
    /// The files sshd reads by default (`AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2`).
    static let keyFiles = [".ssh/authorized_keys", ".ssh/authorized_keys2"]
    /// At most this many homes under `/home` are examined.
    static let maximumHomes = 4096

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            [Self.shadow, Self.sshDirectory + "/ssh_host_*_key"]
                + Self.keyFiles.flatMap { ["/root/" + $0, "/home/*/" + $0] })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Fills `facts.credentials`; unreadable files become problems.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var out = CredentialFacts()
        do {
            if let f = try tree.text(Self.shadow) {
                out.shadow = .path(Self.shadow)
                out.usablePasswords = Self.usablePasswords(f.text, path: Self.shadow)
            }
        } catch let e as ImageError {
            out.problems.append(e.detail)
        }
        var homes = ["/root"]
        do {
            homes += (try tree.list("/home") ?? []).prefix(Self.maximumHomes)
                .filter { $0.type == .directory || $0.type == .symlink }.map { "/home/" + $0.name }
        } catch let e as ImageError {
            out.problems.append("/home: \(e.detail)")
        }
        for home in homes {
            for file in Self.keyFiles {
                let path = home + "/" + file
                do {
                    guard let f = try tree.text(path) else { continue }
                    let keys = f.text.activeLines.count
                    if keys > 0 { out.authorizedKeys.append(AuthorizedKeysFact(path: .path(path), keys: keys)) }
                } catch let e as ImageError {
                    out.problems.append(e.detail)
                }
            }
        }
        do {
            out.hostPrivateKeys = try tree.glob(Self.sshDirectory, "ssh_host_*_key").map(Evidence.path)
        } catch let e as ImageError {
            out.problems.append("\(Self.sshDirectory): \(e.detail)")
        }
        out.authorizedKeys.sort()
        facts.credentials = out
    }

    /// Accounts of shadow(5) text whose password field is a usable hash.
    static func usablePasswords(_ text: String, path: String) -> [PasswordAccountFact] {
        var out: [PasswordAccountFact] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = raw.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].isEmpty, isUsableHash(fields[1]) else { continue }
            out.append(PasswordAccountFact(user: String(fields[0]), path: .path(path), line: n + 1))
        }
        return out
    }

    /// True for a crypt(3) hash someone could log in with: `$id$…` or a 13-character DES hash.
    /// Empty, `*`, `!`, `!!`, `!$6$…` (locked by `passwd -l`), `*LK*` and `x` are not.
    static func isUsableHash(_ field: Substring) -> Bool {
        guard let first = field.first, first != "!", first != "*" else { return false }
        if first == "$" { return field.count > 3 }
        let des = field.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2F
        }
        return field.utf8.count == 13 && des
    }
}
