/// imagegate checks a Linux VM image for Azure Accelerated Networking readiness, offline.
public enum ImageGate {
    /// The tool's version, as reported in JSON output.
    public static let version = "0.1.0"
}
