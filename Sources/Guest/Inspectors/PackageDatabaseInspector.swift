import BlockIO

/// How a package database is found and opened: the seam every database plugs into.
///
/// The inspector tries `PackageDatabaseInspector.locators` in order; the first whose `path`
/// exists is opened (an error opening it is the database's `unreadable` reason, never an empty
/// package list).
public struct PackageDatabaseLocator: Sendable {
    /// `dpkg`, `rpm-sqlite`, `rpm-bdb`, `rpm-ndb`.
    public let kind: String
    /// The guest path whose existence selects this database.
    public let path: String
    /// Opens the database of `tree` (the file at `path`); throws `ImageError` when it cannot.
    public let open: @Sendable (GuestTree) throws -> any PackageDatabase

    /// Creates a value from its fields.
    public init(kind: String, path: String, open: @escaping @Sendable (GuestTree) throws -> any PackageDatabase) {
        self.kind = kind
        self.path = path
        self.open = open
    }
}

/// Finds the package database, opens it and records the packages of interest.
public struct PackageDatabaseInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "package-database"

    /// The databases that can be read, in the order tried. The rpm readers plug in here, one
    /// line each, before the dpkg entry or after it:
    /// `PackageDatabaseLocator(kind: "rpm-sqlite", path: "/var/lib/rpm/rpmdb.sqlite") { try RPMSQLiteDatabase(tree: $0) }`.
    public static let locators: [PackageDatabaseLocator] = [
        PackageDatabaseLocator(kind: "dpkg", path: DpkgDatabase.statusPath) { try DpkgDatabase(tree: $0) }
    ]

    /// rpm databases recognized by path (RHEL 9/Fedora SQLite, RHEL 8 Berkeley DB, SUSE ndb). When
    /// one exists and no locator reads it, the database is "not readable: rpm support missing".
    public static let rpmPaths: [(kind: String, path: String)] = [
        ("rpm-sqlite", "/var/lib/rpm/rpmdb.sqlite"),
        ("rpm-sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"),
        ("rpm-bdb", "/var/lib/rpm/Packages"),
        ("rpm-ndb", "/usr/lib/sysimage/rpm/Packages.db"),
    ]

    /// Exact names of packages of interest (both dpkg and rpm spellings).
    public static let namesOfInterest: Set<String> = [
        "cloud-init", "azure-vm-utils", "systemd", "systemd-networkd", "udev", "systemd-udev",
        "ifupdown", "ifupdown2", "ifupdown-ng", "netplan.io", "netplan", "network-manager", "NetworkManager",
        "wicked", "network-scripts", "initscripts", "isc-dhcp-client", "dhcp-client", "dhclient",
        "initramfs-tools", "dracut", "grub-pc", "grub-efi-amd64", "grub2-common", "grub2-pc", "grub2-efi-x64",
        "python3-cloudinit",
    ]
    /// Name prefixes of kernel packages (`linux-image-6.1.0-28-cloud-amd64`, `kernel-core`, `kernel-default`, `kernel-uek`).
    public static let prefixesOfInterest = ["linux-image-", "linux-modules-", "linux-signed-", "kernel"]

    /// True for a package whose facts are recorded.
    public static func isOfInterest(_ name: String) -> Bool {
        namesOfInterest.contains(name) || prefixesOfInterest.contains { name.hasPrefix($0) }
    }

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.locators.map(\.path) + Self.rpmPaths.map(\.path) + ["/var/lib/dpkg/info/*.list", "/var/lib/rpm/**"])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        for locator in Self.locators {
            guard try tree.resolve(locator.path, followFinal: false) != nil else { continue }
            var db = PackageDatabaseFacts(kind: locator.kind, evidence: [.path(locator.path)])
            do {
                let opened = try locator.open(tree)
                let all = try opened.packages()
                db.packageCount = all.count
                if let dpkg = opened as? DpkgDatabase {
                    db.problems = dpkg.problems
                }
                var packages: [PackageFact] = []
                for p in all where Self.isOfInterest(p.name) {
                    let time = try (opened as? DpkgDatabase)?.installTime(of: p.name)
                    packages.append(PackageFact(p, evidence: [.path(opened.evidence)], installTime: time))
                }
                facts.packages = packages.sorted()
                facts.database = opened
            } catch let e as ImageError {
                db.unreadable = "not readable: \(e.detail)"
            } catch {
                db.unreadable = "not readable: \(error)"
            }
            facts.packageDatabase = db
            return
        }
        for (kind, path) in Self.rpmPaths where try tree.resolve(path) != nil {
            facts.packageDatabase = PackageDatabaseFacts(
                kind: kind, evidence: [.path(path)], unreadable: "not readable: rpm support missing")
            return
        }
        facts.packageDatabase = PackageDatabaseFacts(
            evidence: ([DpkgDatabase.statusPath] + Self.rpmPaths.map(\.path)).map(Evidence.path),
            unreadable: "no package database")
    }
}
