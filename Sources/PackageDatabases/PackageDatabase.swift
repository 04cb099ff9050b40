/// An installed package as a package manager records it.
public struct InstalledPackage: Sendable, Equatable, Hashable, Codable {
    public enum Manager: String, Sendable, Codable { case dpkg, rpm, apk, pacman }
    public var manager: Manager
    public var name: String
    /// rpm EPOCH or dpkg's `epoch:` prefix; nil when absent.
    public var epoch: Int?
    /// dpkg: the upstream part; rpm: VERSION.
    public var version: String
    /// dpkg: the Debian revision; rpm: RELEASE. nil when absent.
    public var release: String?
    public var architecture: String?
    /// rpm SOURCERPM (`kernel-5.14.0-427.el9.src.rpm`); nil for dpkg and when absent.
    public var sourceRPM: String?
    /// rpm INSTALLTIME, seconds since the epoch; nil for dpkg and when absent.
    public var installTime: Int64?

    public init(
        manager: Manager, name: String, epoch: Int? = nil, version: String, release: String? = nil,
        architecture: String? = nil, sourceRPM: String? = nil, installTime: Int64? = nil
    ) {
        self.manager = manager
        self.name = name
        self.epoch = epoch
        self.version = version
        self.release = release
        self.architecture = architecture
        self.sourceRPM = sourceRPM
        self.installTime = installTime
    }

    /// `[epoch:]version[-release]`, as the package manager prints it.
    public var fullVersion: String {
        var s = ""
        if let epoch, epoch != 0 || manager == .dpkg { s += "\(epoch):" }
        s += version
        if let release, !release.isEmpty { s += "-\(release)" }
        return s
    }
}

/// The seam every package database plugs into (dpkg status, rpm SQLite, Berkeley DB, ndb).
public protocol PackageDatabase: Sendable {
    /// `dpkg`, `rpm-sqlite`, `rpm-bdb`, `rpm-ndb`.
    var kind: String { get }
    /// Guest path of the database file, for evidence.
    var evidence: String { get }
    /// Every installed package.
    func packages() throws -> [InstalledPackage]
    /// Installed packages with this name (several for multi-arch or multi-version kernels).
    func packages(named name: String) throws -> [InstalledPackage]
    /// Names of the packages that own the guest path (exact path as recorded), empty when none.
    func owners(of guestPath: String) throws -> [String]
}
