/// A value of LVM2's configuration text (the grammar of `lvm.conf` and of VG metadata,
/// lib/config/config.c): a string, an integer, a float, or a flat array of those.
public enum LVM2ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case array([LVM2ConfigValue])

    /// The string, when this is one (likewise `integer` and `array`).
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var integer: Int64? { if case .integer(let i) = self { return i } else { return nil } }
    public var array: [LVM2ConfigValue]? { if case .array(let a) = self { return a } else { return nil } }
}

/// A section `name { … }` of LVM2 configuration text: its assignments and subsections, in order.
public struct LVM2ConfigSection: Sendable, Equatable {
    /// The section's name (`logical_volumes`, an LV name); "" for the root.
    public var name: String
    /// Line of the section's name (1-based), for error messages.
    public var line: Int
    /// Assignments by key (a key appears at most once).
    public var values: [String: LVM2ConfigValue] = [:]
    /// Line of each assignment, for error messages.
    public var valueLines: [String: Int] = [:]
    /// Subsections in text order.
    public var sections: [LVM2ConfigSection] = []

    /// An empty section.
    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    /// The first subsection called `name`.
    public func section(_ name: String) -> LVM2ConfigSection? { sections.first { $0.name == name } }
}
