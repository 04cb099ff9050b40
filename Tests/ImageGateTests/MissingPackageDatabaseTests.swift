import Foundation
import ImageGate
import Testing

/// A guest folder with no package database at all: a package whose own files are absent too is
/// absent (`fail`, naming the databases looked for), not unknown (`skip`).
@Suite struct MissingPackageDatabaseTests {
    @Test func packagesWithoutDatabaseOrFilesFail() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nodb-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try Data("ID=custom\nVERSION_ID=1\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/os-release"))
        let result = ImageGate.check(root)
        #expect(result.facts?.packageDatabase.isMissing == true)
        let findings = result.report.requirements ?? []
        for id in ["cloud-init", "azure-vm-utils"] {
            let f = try #require(findings.first { $0.id == id }, "\(id)")
            #expect(f.status == .fail, "\(id): \(f.summary)")
            #expect(f.summary.contains("no package database"), "\(id)")
            #expect(f.summary.contains("/var/lib/dpkg/status"), "\(id)")
        }
    }
}
