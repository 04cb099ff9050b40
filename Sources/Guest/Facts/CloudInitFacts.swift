/// cloud-init: its package, its installed Python sources, its datasource config and disable markers.
public struct CloudInitFacts: Sendable, Hashable, Codable {
    /// The `cloud-init` package, when the database lists it.
    public var package: PackageFact?
    /// Each installed copy of the `cloudinit` Python package and the version it declares.
    public var pythonVersions: [PythonVersionFact]
    /// Whether `filter_hyperv_vf_with_synthetic_interface` is defined in an installed
    /// `cloudinit/net/__init__.py` (the 23.2 VF filter, or a backport); nil when no such file exists.
    public var vfFilterPresent: Bool?
    /// The `cloudinit/net/__init__.py` files read.
    public var vfFilterEvidence: [Evidence]
    /// `datasource_list` as the last file that sets it says; nil when none sets it (cloud-init's
    /// default list, which includes Azure).
    public var datasourceList: [String]?
    /// The file whose `datasource_list` wins, and every config file read.
    public var datasourceEvidence: [Evidence]
    /// Why cloud-init would not run: `/etc/cloud/cloud-init.disabled`, masked or disabled units.
    public var disableMarkers: [DisableMarker]
    /// The state of each cloud-init unit (`cloud-init.target`, `cloud-init.service`, …) that exists.
    public var units: [UnitFacts]
    /// Config files that could not be parsed (file and reason).
    public var problems: [String]

    /// An empty value, filled by the inspectors.
    public init() {
        package = nil
        pythonVersions = []
        vfFilterPresent = nil
        vfFilterEvidence = []
        datasourceList = nil
        datasourceEvidence = []
        disableMarkers = []
        units = []
        problems = []
    }

    /// True when neither a package nor Python sources exist.
    public var isAbsent: Bool { package == nil && pythonVersions.isEmpty }
}

/// A version declared in Python sources (`cloudinit/version.py`, `meson_versions.py`, or azure-nvme-id's binary).
public struct PythonVersionFact: Sendable, Hashable, Codable, Comparable {
    /// The version as written.
    public var version: String
    /// `UPSTREAM_VERSION`, `__VERSION__` or `_PACKAGED_VERSION`.
    public var variable: String
    /// The file it was read from.
    public var evidence: Evidence

    /// Creates a value from its fields.
    public init(version: String, variable: String, evidence: Evidence) {
        self.version = version
        self.variable = variable
        self.evidence = evidence
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: PythonVersionFact, b: PythonVersionFact) -> Bool {
        (a.evidence.value, a.variable) < (b.evidence.value, b.variable)
    }
}

/// Something that stops a service from running at boot.
public struct DisableMarker: Sendable, Hashable, Codable, Comparable {
    /// `"/etc/cloud/cloud-init.disabled exists"`, `"cloud-init.service is masked"`, `"cloud-init.target is not enabled"`.
    public var reason: String
    /// The paths or structures that show it.
    public var evidence: [Evidence]

    /// Creates a value from its fields.
    public init(reason: String, evidence: [Evidence]) {
        self.reason = reason
        self.evidence = evidence
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: DisableMarker, b: DisableMarker) -> Bool { a.reason < b.reason }
}

/// azure-vm-utils: its package, or the version compiled into `azure-nvme-id`.
public struct AzureVMUtilsFacts: Sendable, Hashable, Codable {
    /// The package, when the database lists it.
    public var package: PackageFact?
    /// The version found in `/usr/sbin/azure-nvme-id` or `/usr/bin/azure-nvme-id` (a source install).
    public var binaryVersion: PythonVersionFact?
    /// The binaries found.
    public var binaries: [Evidence]
    /// Why a binary's version could not be told.
    public var problems: [String]

    /// An empty value, filled by the inspectors.
    public init() {
        package = nil
        binaryVersion = nil
        binaries = []
        problems = []
    }
}
