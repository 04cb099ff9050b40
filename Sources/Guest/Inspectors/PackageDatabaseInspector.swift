import BlockIO
import PackageDatabases

/// How a package database is found and opened: the seam every database plugs into.
///
/// The inspector asks `PackageDatabaseInspector.locators` in order; the first that returns a
/// database wins. A locator that finds its file but cannot read it throws, and the error becomes
/// the database's `unreadable` reason (never an empty package list) and its `readError`, which a
/// check reports as the image's error.
public struct PackageDatabaseLocator: Sendable {
    /// `dpkg` or `rpm`: names the locator in evidence when its database cannot be read.
    public let name: String
    /// Every guest path it may read first (for `GuestInterest` and "where we looked" evidence).
    public let paths: [String]
    /// Opens the database of `tree`: nil when the guest has none of its files; throws `ImageError`
    /// when one exists but cannot be read.
    public let open: @Sendable (GuestTree) throws -> (any PackageDatabase)?

    /// A locator from its name, paths and opening function.
    public init(name: String, paths: [String], open: @escaping @Sendable (GuestTree) throws -> (any PackageDatabase)?) {
        self.name = name
        self.paths = paths
        self.open = open
    }

    /// dpkg: `/var/lib/dpkg/status`.
    public static let dpkg = PackageDatabaseLocator(name: "dpkg", paths: [DpkgDatabase.statusPath]) { tree in
        guard try tree.resolve(DpkgDatabase.statusPath, followFinal: false) != nil else { return nil }
        return try DpkgDatabase(tree: tree)
    }
}

/// Finds the package database, opens it and records the packages of interest.
public struct PackageDatabaseInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "package-database"

    /// The databases that can be read, in the order tried. The rpm readers plug in with one line:
    /// `PackageDatabaseLocator(name: "rpm", paths: RPMDatabaseLocator.paths) { try RPMDatabaseLocator.open($0) }`.
    public static let locators: [PackageDatabaseLocator] = [
        .dpkg,
        PackageDatabaseLocator(name: "rpm", paths: RPMDatabaseLocator.paths) { try RPMDatabaseLocator.open($0) },
        PackageDatabaseLocator(name: "apk", paths: [ApkDatabase.path]) { tree in
            guard try tree.resolve(ApkDatabase.path, followFinal: false) != nil else { return nil }
            return try ApkDatabase(tree: tree)
        },
        PackageDatabaseLocator(name: "pacman", paths: [PacmanDatabase.directory]) { tree in
            guard try tree.resolve(PacmanDatabase.directory) != nil else { return nil }
            return try PacmanDatabase(tree: tree)
        },
    ]

    /// rpm databases recognized by path (RHEL 9/Fedora SQLite, RHEL 8 Berkeley DB, SUSE ndb). When
    /// one exists and no locator opened a database, the database is "not readable: rpm support
    /// missing" (no rpm locator), or "not readable: <path> is empty" (the rpm locator skipped it).
    public static let rpmPaths: [(kind: String, path: String)] = [
        ("rpm-sqlite", "/var/lib/rpm/rpmdb.sqlite"),
        ("rpm-sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"),
        ("rpm-bdb", "/var/lib/rpm/Packages"),
        ("rpm-bdb", "/usr/lib/sysimage/rpm/Packages"),
        ("rpm-ndb", "/usr/lib/sysimage/rpm/Packages.db"),
        ("rpm-ndb", "/var/lib/rpm/Packages.db"),
    ]

    /// Exact names of packages of interest (both dpkg and rpm spellings).
    public static let namesOfInterest: Set<String> = [
        "cloud-init", "azure-vm-utils", "systemd", "systemd-networkd", "udev", "systemd-udev",
        "ifupdown", "ifupdown2", "ifupdown-ng", "netplan.io", "netplan", "network-manager", "NetworkManager",
        "wicked", "network-scripts", "initscripts", "isc-dhcp-client", "dhcp-client", "dhclient",
        "initramfs-tools", "dracut", "grub-pc", "grub-efi-amd64", "grub2-common", "grub2-pc", "grub2-efi-x64",
        "python3-cloudinit",
        // Profile azure-image: the provisioning agent, sshd and the Hyper-V daemons.
        "walinuxagent", "WALinuxAgent", "openssh-server", "hyperv-daemons", "hv-kvp-daemon-init", "hyperv-tools",
        "linux-cloud-tools-common",
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
            Self.locators.flatMap(\.paths) + Self.rpmPaths.map(\.path) + [
                "/var/lib/dpkg/info/*.list", "/var/lib/rpm/**", PacmanDatabase.directory + "/*/desc",
                PacmanDatabase.directory + "/*/files",
            ])
    }

    /// Names recorded besides the built-in ones (a policy's `package` rules).
    public let declaredNames: Set<String>

    /// Creates the inspector recording the built-in names of interest and `declaredNames`.
    public init(declaredNames: Set<String> = []) { self.declaredNames = declaredNames }

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        tree.packageDatabase.withLock { $0 = nil }
        for locator in Self.locators {
            var db = PackageDatabaseFacts(kind: locator.name)
            do {
                guard let opened = try locator.open(tree) else { continue }
                db.kind = opened.kind
                db.evidence = [.path(opened.evidence)]
                let all = try opened.packages()
                db.packageCount = all.count
                if let dpkg = opened as? DpkgDatabase {
                    db.problems = dpkg.problems
                    db.readError = dpkg.damage.map(PackageDatabaseFacts.ReadError.init)
                }
                var packages: [PackageFact] = []
                for p in all where Self.isOfInterest(p.name) || declaredNames.contains(p.name) {
                    let time = try (opened as? DpkgDatabase)?.installTime(of: p.name)
                    packages.append(PackageFact(p, evidence: [.path(opened.evidence)], installTime: time))
                }
                facts.packages = packages.sorted()
                tree.packageDatabase.withLock { $0 = opened }
            } catch {
                let present = try locator.paths.filter { try tree.resolve($0, followFinal: false) != nil }
                db.kind = Self.rpmPaths.first { present.contains($0.path) }?.kind ?? locator.name
                db.evidence = present.map(Evidence.path)
                let imageError = error as? ImageError ?? ImageError(locator.name, .corrupt, "\(error)")
                db.unreadable = "not readable: " + imageError.description
                db.readError = PackageDatabaseFacts.ReadError(imageError)
                facts.packages = []
            }
            facts.packageDatabase = db
            return
        }
        let rpmLocator = Self.locators.contains { $0.name == "rpm" }
        for (kind, path) in Self.rpmPaths where try tree.resolve(path) != nil {
            facts.packageDatabase = PackageDatabaseFacts(
                kind: kind, evidence: [.path(path)],
                unreadable: rpmLocator ? "not readable: \(path) is empty" : "not readable: rpm support missing")
            // An empty database file is a truncated one (rpm writes its schema or header first):
            // an error as for any damaged database. A missing rpm reader is this build's limit.
            if rpmLocator {
                facts.packageDatabase.readError = PackageDatabaseFacts.ReadError(
                    ImageError("rpmdb", .truncated, "\(path) is empty (0 bytes)"))
            }
            return
        }
        facts.packageDatabase = PackageDatabaseFacts(
            evidence: ([DpkgDatabase.statusPath] + Self.rpmPaths.map(\.path) + [
                ApkDatabase.path, PacmanDatabase.directory,
            ])
            .map(Evidence.path),
            unreadable: "no package database")
    }
}
