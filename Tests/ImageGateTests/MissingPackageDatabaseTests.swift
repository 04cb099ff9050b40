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

    /// With no database but the rule file present, azure-vm-utils cannot be told present or
    /// absent (`skip`), and the summary says there is no database, not that one failed to read.
    @Test func aRuleFileWithoutDatabaseIsUnknownAndSaysWhy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nodb-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let rules = root + "/usr/lib/udev/rules.d"
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try Data("ID=custom\nVERSION_ID=1\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/os-release"))
        try Data("SUBSYSTEM==\"net\", DRIVERS==\"mlx4_core|mlx5_core|mana\", ENV{NM_UNMANAGED}=\"1\"\n".utf8)
            .write(to: URL(fileURLWithPath: rules + "/10-azure-unmanaged-sriov.rules"))
        let result = ImageGate.check(root)
        let f = try #require(result.report.requirements?.first { $0.id == "azure-vm-utils" })
        #expect(f.status == .skip, "\(f.summary)")
        #expect(f.summary.hasPrefix("There is no package database (looked for "), "\(f.summary)")
        #expect(!f.summary.contains("could not be read"), "\(f.summary)")
    }
}
