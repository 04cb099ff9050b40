/// The Azure SR-IOV udev rule `10-azure-unmanaged-sriov.rules` in every location udev reads.
public struct UdevRuleFacts: Sendable, Hashable, Codable {
    /// The rule file's name.
    public static let fileName = "10-azure-unmanaged-sriov.rules"
    /// The directories searched, highest priority first (`/run` is never in an image: ignored).
    public static let directories = ["/etc/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"]

    /// Every copy found, highest priority first (the `/etc` copy, then the vendor copies; a vendor
    /// directory reached twice through a merged-/usr link is listed once).
    public var files: [UdevRuleFile]
    /// The copy udev uses: the first of `files`; nil when there is none.
    public var effective: UdevRuleFile? { files.first }
    /// The directories searched.
    public var searched: [Evidence]
    /// Copies of the legacy NetworkManager-only rule `68-azure-sriov-nm-unmanaged.rules` (Red Hat's
    /// preparation page): it sets `NM_UNMANAGED` for VFs on hv_pci, but not the property networkd
    /// and azure-vm-utils key on, so it does not replace the documented rule.
    public var legacyNetworkManagerRules: [Evidence]

    /// The legacy rule's file name.
    public static let legacyNetworkManagerRuleName = "68-azure-sriov-nm-unmanaged.rules"

    /// Creates a value from its fields.
    public init(files: [UdevRuleFile] = [], searched: [Evidence] = [], legacyNetworkManagerRules: [Evidence] = []) {
        self.files = files
        self.searched = searched
        self.legacyNetworkManagerRules = legacyNetworkManagerRules
    }
}

/// One copy of a udev rule file.
public struct UdevRuleFile: Sendable, Hashable, Codable {
    /// How the path looks on disk.
    public enum State: String, Sendable, Codable {
        /// A regular file (possibly reached through a symlink) with active lines.
        case present
        /// A symlink to `/dev/null`, or an empty file (or one with only comments): udev masks the name.
        case masked
        /// Something udev cannot read as rules (a directory, a dangling link, a link loop, binary content).
        case unreadable
    }

    /// The path as listed (`/etc/udev/rules.d/10-azure-unmanaged-sriov.rules`).
    public var path: Evidence
    /// The canonical path after symlinks, when different.
    public var resolvedPath: String?
    /// True for the `/etc` copy, which overrides the vendor copies by name.
    public var isOverride: Bool
    /// Present, masked or unreadable.
    public var state: State
    /// Active lines: comments and blank lines dropped, `\` continuations joined, whitespace collapsed.
    public var activeLines: [String]
    /// Packages owning this path (empty when none or unknown).
    public var owners: [String]
    /// Why the state is `unreadable`, or what masks it.
    public var note: String?

    /// Creates a value from its fields.
    public init(path: Evidence, isOverride: Bool, state: State) {
        self.path = path
        self.isOverride = isOverride
        self.state = state
        resolvedPath = nil
        activeLines = []
        owners = []
        note = nil
    }

    /// The key/operator/value triples of every active line.
    public var rules: [[UdevRuleToken]] { activeLines.map(UdevRuleToken.parse) }
}

/// One `KEY{attr}OP"value"` of a udev rule line.
public struct UdevRuleToken: Sendable, Hashable, Codable {
    /// `SUBSYSTEM`, `ATTR{flags}`, `ENV{NM_UNMANAGED}`.
    public var key: String
    /// `==`, `!=`, `=`, `+=`, `-=`, `:=`.
    public var op: String
    /// The value, unquoted.
    public var value: String

    /// Creates a value from its fields.
    public init(key: String, op: String, value: String) {
        self.key = key
        self.op = op
        self.value = value
    }

    /// Splits one rule line (udev(7) "Rules files": comma-separated `key op "value"` pairs).
    /// Malformed parts are kept as a token with an empty operator so a comparison sees them.
    public static func parse(_ line: String) -> [UdevRuleToken] {
        var out: [UdevRuleToken] = []
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            while i < chars.count && (chars[i] == " " || chars[i] == "," || chars[i] == "\t") { i += 1 }
            guard i < chars.count else { break }
            var key = ""
            while i < chars.count && !"=!+-:".contains(chars[i]) && chars[i] != " " {
                if chars[i] == "{" {
                    while i < chars.count && chars[i] != "}" {
                        key.append(chars[i])
                        i += 1
                    }
                }
                if i < chars.count {
                    key.append(chars[i])
                    i += 1
                }
            }
            while i < chars.count && chars[i] == " " { i += 1 }
            var op = ""
            while i < chars.count && "=!+-:".contains(chars[i]) && op.count < 2 {
                op.append(chars[i])
                i += 1
            }
            while i < chars.count && chars[i] == " " { i += 1 }
            var value = ""
            if i < chars.count && chars[i] == "\"" {
                i += 1
                while i < chars.count && chars[i] != "\"" {
                    if chars[i] == "\\" && i + 1 < chars.count {
                        value.append(chars[i])
                        i += 1
                    }
                    value.append(chars[i])
                    i += 1
                }
                i += 1
            } else {
                while i < chars.count && chars[i] != "," {
                    value.append(chars[i])
                    i += 1
                }
                value = value.trimmingASCIIWhitespace()
                op = op.isEmpty ? "" : op
            }
            if !key.isEmpty || !value.isEmpty { out.append(UdevRuleToken(key: key, op: op, value: value)) }
        }
        return out
    }
}

/// An older drop-in that marks only Mellanox VFs unmanaged (it misses MANA).
public struct LegacyDropInFacts: Sendable, Hashable, Codable, Comparable {
    /// `NetworkManager` (`99-azure-unmanaged-devices.conf`) or `systemd-networkd` (`99-azure-unmanaged-devices.network`).
    public var manager: String
    /// The file.
    public var path: Evidence
    /// The line that names the drivers (`unmanaged-devices=driver:mlx4_core;driver:mlx5_core`, `Driver=mlx4_en …`).
    public var driversLine: String?
    /// Whether that line names `mana`.
    public var coversMANA: Bool

    /// Creates a value from its fields.
    public init(manager: String, path: Evidence, driversLine: String?, coversMANA: Bool) {
        self.manager = manager
        self.path = path
        self.driversLine = driversLine
        self.coversMANA = coversMANA
    }

    /// A stable order for sorted, deterministic output.
    public static func < (a: LegacyDropInFacts, b: LegacyDropInFacts) -> Bool { a.path < b.path }
}
