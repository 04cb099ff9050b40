import FileSystems
import Foundation
import Guest
import TestSupport

/// The committed trees under images/trees/, read as a guest the way `check` reads a folder.
enum Trees {
    static func tree(_ name: String) throws -> GuestTree {
        GuestTree(
            root: try DirectoryFileSystem(path: Fixtures.packageRoot + "/images/trees/" + name), source: "tree \(name)")
    }

    /// A scratch guest folder, removed by the caller.
    static func scratch() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guest-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }
}
