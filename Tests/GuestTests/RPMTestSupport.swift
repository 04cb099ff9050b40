import Guest

/// Helpers shared by the rpm test suites.
enum RPMTestSupport {
    /// `NAME\tEPOCHNUM\tVERSION\tRELEASE\tARCH`, sorted as `LC_ALL=C sort` does.
    static func lines(_ packages: [InstalledPackage]) -> [String] {
        packages.map {
            "\($0.name)\t\($0.epoch ?? 0)\t\($0.version)\t\($0.release ?? "")\t\($0.architecture ?? "(none)")"
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
