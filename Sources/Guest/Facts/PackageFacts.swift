import BlockIO
import PackageDatabases

/// Which package database the guest has and whether it could be read.
public struct PackageDatabaseFacts: Sendable, Hashable, Codable {
    /// `dpkg`, `rpm-sqlite`, `rpm-bdb`, `rpm-ndb`; nil when no database was found.
    public var kind: String?
    /// The database file (or the path that was looked for).
    public var evidence: [Evidence]
    /// Why the package list is unknown (`"too large: 2147483648 bytes"`, `"not readable: rpm support missing"`,
    /// `"no package database"`); nil when read. A reason is never an empty list: a requirement
    /// given such facts must `skip`, and a check reports a database that exists as `readError`.
    public var unreadable: String?
    /// How many installed packages it lists (0 when unreadable).
    public var packageCount: Int
    /// Damaged records skipped while reading (`"paragraph at line 40: cloud-init: installed without a
    /// Version field (truncated?)"`): the list is usable but may miss those packages.
    public var problems: [String]
    /// Set when the database exists but cannot be trusted: it could not be read (`unreadable`),
    /// or it has damaged records (`problems`), or its file lists could not be read. A check
    /// reports it as the image's error (verdict `error`, exit 2), as for an unreadable file
    /// system: a package list that is unknown or missing records could pass the gate (a kernel,
    /// cloud-init or azure-vm-utils undecided, a package that must be absent not seen). nil when
    /// the database was read whole, and when there is none at all (`isMissing`).
    public var readError: ReadError?

    /// The layer and message of an `ImageError` (`ndb: blob of 0 bytes … at byte 4108`), as the
    /// report's `error` object carries them.
    public struct ReadError: Sendable, Hashable, Codable {
        /// `dpkg`, `rpmdb`, `ndb`, `bdb`, `rpm-sqlite`, `rpm-header`, or the file system's layer.
        public var layer: String
        /// `<layer>: <what> at byte <offset>`.
        public var message: String

        /// The layer and description of `error`.
        public init(_ error: ImageError) {
            layer = error.layer
            message = error.description
        }
    }

    /// Creates a value from its fields.
    public init(kind: String? = nil, evidence: [Evidence] = [], unreadable: String? = nil, packageCount: Int = 0) {
        problems = []
        self.kind = kind
        self.evidence = evidence
        self.unreadable = unreadable
        self.packageCount = packageCount
    }

    /// True when the package list can be trusted (absence of a package means it is not installed).
    public var isReadable: Bool { kind != nil && unreadable == nil }

    /// True when the guest has no package database at all (none of the paths in `evidence`
    /// exists), as opposed to one that exists but cannot be read. A package whose own files are
    /// absent too is then absent, not unknown: nothing could have recorded it elsewhere.
    public var isMissing: Bool { kind == nil }

    /// `no package database (looked for /var/lib/dpkg/status, …)`, for findings.
    public var missingSummary: String {
        "no package database (looked for " + evidence.map(\.value).joined(separator: ", ") + ")"
    }
}

/// An installed package of interest (cloud-init, azure-vm-utils, kernels, systemd, network managers).
public struct PackageFact: Sendable, Hashable, Codable, Comparable {
    /// dpkg, rpm, apk or pacman: decides how versions compare.
    public var manager: InstalledPackage.Manager
    /// The name.
    public var name: String
    /// `[epoch:]version[-release]` as the package manager prints it.
    public var fullVersion: String
    /// The upstream part (dpkg) or VERSION (rpm): what "cloud-init 23.2 or later" compares.
    public var upstreamVersion: String
    /// `amd64`, `x86_64`, `all`, `noarch`.
    public var architecture: String?
    /// Seconds since the epoch when the package was installed, when it can be told (dpkg: the
    /// modification time of `/var/lib/dpkg/info/<name>.list`).
    public var installTime: Int64?
    /// The database record (`/var/lib/dpkg/status`).
    public var evidence: [Evidence]

    /// Creates a value from its fields.
    public init(_ p: InstalledPackage, evidence: [Evidence], installTime: Int64? = nil) {
        manager = p.manager
        name = p.name
        fullVersion = p.fullVersion
        upstreamVersion = p.version
        architecture = p.architecture
        self.installTime = installTime
        self.evidence = evidence
    }

    /// Orders two full versions by this package's manager rules (dpkg or rpm).
    public func compareVersion(to other: String) -> Int {
        switch manager {
        case .dpkg: DpkgVersion.compare(fullVersion, other)
        case .rpm: RPMVersion.compare(fullVersion, other)
        case .apk: ApkVersion.compare(fullVersion, other)
        case .pacman: PacmanVersion.compare(fullVersion, other)
        }
    }

    /// Orders the upstream version with `minimum` (`"23.2"`), by this package's manager rules.
    public func compareUpstream(to minimum: String) -> Int {
        switch manager {
        case .dpkg: DpkgVersion.compare(upstreamVersion, minimum)
        case .rpm: RPMVersion.vercmp(upstreamVersion, minimum)
        case .apk: ApkVersion.compare(upstreamVersion, minimum)
        case .pacman: PacmanVersion.compare(upstreamVersion, minimum)
        }
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: PackageFact, b: PackageFact) -> Bool {
        (a.name, a.fullVersion, a.architecture ?? "") < (b.name, b.fullVersion, b.architecture ?? "")
    }
}
