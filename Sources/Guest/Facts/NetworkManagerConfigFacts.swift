/// NetworkManager's own configuration (NetworkManager.conf(5)): the files in the order it merges
/// them and the settings that force a VF managed despite udev's `NM_UNMANAGED=1`.
public struct NetworkManagerConfigFacts: Sendable, Hashable, Codable {
    /// Every file read, in merge order: `/usr/lib/NetworkManager/conf.d`, then `/run/…/conf.d`
    /// (never in an image), then `NetworkManager.conf`, then `/etc/NetworkManager/conf.d`; a
    /// same-named file in a later folder shadows the earlier one.
    public var files: [Evidence]
    /// The merged settings that force a device managed and cover the VF, in merge order.
    public var managedOverrides: [NetworkManagerManagedOverride]
    /// Files that could not be read, with the reason.
    public var problems: [String]

    /// An empty value, filled by `NetworkManagerConfigInspector`.
    public init(files: [Evidence] = [], managedOverrides: [NetworkManagerManagedOverride] = [], problems: [String] = [])
    {
        self.files = files
        self.managedOverrides = managedOverrides
        self.problems = problems
    }
}

/// A section whose effective `managed` is true for devices that include the VF.
public struct NetworkManagerManagedOverride: Sendable, Hashable, Codable {
    /// The file holding the winning `managed=` line.
    public var path: Evidence
    /// `device`, `device-mlx`, `main`, `keyfile`.
    public var section: String
    /// The winning line as `managed=VALUE`.
    public var setting: String
    /// The section's effective `match-device`, nil when it has none (every device).
    public var matchDevice: String?

    /// Creates a value from its fields.
    public init(path: Evidence, section: String, setting: String, matchDevice: String?) {
        self.path = path
        self.section = section
        self.setting = setting
        self.matchDevice = matchDevice
    }
}
