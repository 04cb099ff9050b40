import Guest

/// imagegate checks a Linux VM image for Azure Accelerated Networking readiness, offline.
public enum ImageGate {
    /// The tool's version, as reported in JSON output.
    public static let version = "0.1.0"

    /// How an image path is shown in every report, error and progress line: a URL without its
    /// query and fragment (a SAS signature is a secret), anything else as given.
    public static func shownPath(_ path: String) -> String { GuestImage.shownPath(path) }
}
