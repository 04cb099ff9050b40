import ArgumentParser
import Foundation

/// Options for images behind `http(s)://` URLs. Part of `ImageOptions`, so check (its pile
/// workers included: they parse the same arguments), inspect, ls and cat all take them.
struct RemoteImageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PEM file of the CAs to trust for https:// images, instead of SSL_CERT_FILE or the system bundle.",
            valueName: "FILE"))
    var caCert: String?

    func validate() throws {
        if let caCert, !FileManager.default.isReadableFile(atPath: caCert) {
            throw ValidationError("--ca-cert \(caCert): not a readable file")
        }
    }
}
