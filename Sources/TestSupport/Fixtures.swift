import Foundation

/// Finds fixtures built by `make fixtures` and the shared test data beside the repository.
public enum Fixtures {
    /// The repository root (three levels above this file).
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// `../shared` beside the clone: real data (rpm databases) and schemas, read in place.
    public static let sharedDirectory: String = {
        if let env = ProcessInfo.processInfo.environment["IMAGEGATE_SHARED"] { return env }
        return URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path
    }()

    /// Where built fixtures are: `$IMAGEGATE_FIXTURES`, else the cache's `latest` folder.
    public static let directory: String = {
        let env = ProcessInfo.processInfo.environment
        if let d = env["IMAGEGATE_FIXTURES"] { return d }
        let cache = env["IMAGEGATE_FIXTURE_CACHE"] ?? "/var/tmp/imagegate-fixtures"
        return cache + "/latest"
    }()

    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "fixture \(path) is missing: run `make fixtures`" }
    }

    /// The path of a built fixture; throws (failing the test, never skipping) when it is missing.
    public static func path(_ name: String) throws -> String {
        let p = directory + "/" + name
        guard FileManager.default.fileExists(atPath: p) else { throw Missing(path: p) }
        return p
    }

    /// A schema this repository publishes under `schema/` (the JSON report schema).
    public static func schema(_ name: String) -> String { packageRoot + "/schema/" + name }

    /// The path of a file under `../shared`; throws when it is missing.
    public static func shared(_ name: String) throws -> String {
        let p = sharedDirectory + "/" + name
        guard FileManager.default.fileExists(atPath: p) else { throw Missing(path: p) }
        return p
    }
}
