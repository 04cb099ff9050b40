import FileSystems
import Foundation
import Guest
import TestSupport

/// The committed trees under images/trees/inspect-*, read as a guest through DirectoryFileSystem.
enum Trees {
    static func path(_ name: String) -> String { Fixtures.packageRoot + "/images/trees/" + name }

    static func tree(_ name: String) throws -> GuestTree {
        GuestTree(root: try DirectoryFileSystem(path: path(name)), source: "tree \(name)")
    }

    static func facts(_ name: String) throws -> GuestFacts { GuestInspector.inspect(try tree(name)) }

    /// A scratch guest folder, removed by the caller.
    static func scratch() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guest-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func write(_ root: String, _ path: String, _ text: String) throws {
        try write(root, path, Array(text.utf8))
    }

    static func write(_ root: String, _ path: String, _ bytes: [UInt8]) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
}
