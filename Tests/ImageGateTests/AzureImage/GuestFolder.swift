import Foundation
import Guest

@testable import ImageGate

/// A guest root folder built by a test in a temp dir, read as a guest the way `check DIR` does,
/// and checked against the provisioning half of `azure-image`.
final class GuestFolder {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("azure-guest-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try write("/etc/os-release", "ID=debian\nVERSION_ID=12\n")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func mkdir(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
    }

    func link(_ path: String, to target: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    /// A dpkg status listing these installed packages (name, version).
    func dpkg(_ packages: [(String, String)]) throws {
        try write(
            "/var/lib/dpkg/status",
            packages.map { "Package: \($0.0)\nStatus: install ok installed\nArchitecture: all\nVersion: \($0.1)\n" }
                .joined(separator: "\n"))
    }

    /// Enables a unit the way `systemctl enable` does (a link in a `.wants` folder).
    func enable(_ unit: String, wantedBy target: String = "multi-user.target") throws {
        try write("/usr/lib/systemd/system/" + unit, "[Unit]\n")
        try link("/etc/systemd/system/\(target).wants/\(unit)", to: "/usr/lib/systemd/system/" + unit)
    }

    func facts() throws -> GuestFacts { GuestInspector.inspect(try GuestImage.open(root).tree) }

    /// The finding of one requirement of `Requirement.azureImageProvisioning`.
    func finding(_ id: String) throws -> Finding {
        try Self.finding(id, try facts())
    }

    static func finding(_ id: String, _ facts: GuestFacts) throws -> Finding {
        guard let r = Requirement.azureImageProvisioning.first(where: { $0.id == id }) else {
            throw Unknown(id: id)
        }
        return r.evaluate(CheckContext(facts: facts))
    }

    struct Unknown: Error { let id: String }
}
