/// The guest's identity from os-release(5).
public struct OSFacts: Sendable, Hashable, Codable {
    /// `ID` (`debian`, `ubuntu`, `rhel`, `sles`, `rocky`, `ol`…), lower case as written.
    public var id: String?
    /// `ID_LIKE`, split on spaces.
    public var idLike: [String]
    /// `VERSION_ID` (`12`, `22.04`, `9.4`, `15.4`).
    public var versionID: String?
    /// `PRETTY_NAME`.
    public var prettyName: String?
    /// The file read, after symlinks (`/usr/lib/os-release` when `/etc/os-release` links there),
    /// or the path that could not be read.
    public var evidence: [Evidence]
    /// Why the identity is unknown (`"no /etc/os-release or /usr/lib/os-release"`, `"binary content"`); nil when read.
    public var unreadable: String?

    /// Creates a value from its fields.
    public init(
        id: String? = nil, idLike: [String] = [], versionID: String? = nil, prettyName: String? = nil,
        evidence: [Evidence] = [], unreadable: String? = nil
    ) {
        self.id = id
        self.idLike = idLike
        self.versionID = versionID
        self.prettyName = prettyName
        self.evidence = evidence
        self.unreadable = unreadable
    }
}
