/// `--color auto|always|never`: whether the text format paints its statuses.
///
/// `auto` paints only when the report goes to a terminal and `NO_COLOR` is unset or empty
/// (no-color.org: "when present and not an empty string"); `always` and `never` are the user's
/// explicit choice and beat `NO_COLOR`, as that convention asks of command-line flags.
public enum ColorChoice: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether to paint, for output that is (`toTerminal`) or is not a terminal.
    public func enabled(toTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: toTerminal && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}
