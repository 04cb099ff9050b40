import Foundation
import ImageGate
import TestSupport
import Testing

/// Every format rendered from fixed reports, compared with golden files (rewritten only with
/// UPDATE_GOLDEN=1) and validated against the schemas the consumers use.
@Suite struct ReporterTests {
    static let reports: [Report] = {
        let findings = [
            Finding(
                id: "kernel", title: "Endorsed distribution with its own kernel, or Linux 6.12 or later",
                severity: .must,
                status: .pass, expected: "endorsed distribution's kernel, or >= 6.12",
                found: "6.1.0-28-cloud-amd64 (package linux-image-6.1.0-28-cloud-amd64, debian 12)",
                evidence: ["/etc/os-release", "/lib/modules/6.1.0-28-cloud-amd64", "/var/lib/dpkg/status"],
                remediation: nil,
                reference: "Supported operating systems", summary: "Every kernel is the endorsed distribution's own."),
            Finding(
                id: "cloud-init", title: "cloud-init 23.2 or later", severity: .must, status: .fail,
                expected: ">= 23.2",
                found: "22.4.2-1+deb12u4", evidence: ["/var/lib/dpkg/status"],
                remediation: "Install cloud-init 23.2 or later <from backports & \"friends\">.",
                reference: "Configure drivers to be unmanaged", summary: "cloud-init 22.4.2 is older than 23.2."),
            Finding(
                id: "networkd-unmanaged", title: "systemd-networkd older than 255 also leaves the VF alone",
                severity: .should,
                status: .warn, expected: "systemd >= 255, or a .network file with Unmanaged=yes", found: "systemd 252",
                evidence: ["/var/lib/dpkg/status"], remediation: "Install azure-vm-utils 0.6.0 or later.",
                reference: "Configure drivers to be unmanaged", summary: "systemd 252 ignores ID_NET_MANAGED_BY."),
            Finding(
                id: "vm-size", title: "The target VM size supports Accelerated Networking", severity: .must,
                status: .skip,
                expected: "a VM size with Accelerated Networking", found: "", evidence: [], remediation: nil,
                reference: "Supported VM instances", summary: "No --vm-size given."),
        ]
        let facts: JSONValue = .object(["os": .object(["id": .string("debian"), "versionId": .string("12")])])
        return [
            Report(
                image: .init(path: "images/debian 12.vhd", format: "vhd-fixed", virtualSize: 32_212_254_720),
                profile: "azure-accelerated-networking", findings: findings, facts: facts, strict: false),
            Report(
                image: .init(path: "/data/broken.qcow2"),
                error: .init(layer: "qcow2", message: "qcow2: bad qcow2 header magic at byte 0")),
        ]
    }()

    /// The first report's findings on three images, as `check a b c` gives them.
    static func threeImages(strict: Bool = false) -> [Report] {
        let first = reports[0]
        return ["images/a.vhd", "images/b.qcow2", "c.vmdk"].map { path in
            Report(
                image: .init(path: path, format: first.image.format), profile: first.profile ?? "",
                findings: first.requirements ?? [],
                facts: .null, strict: strict)
        }
    }

    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    func checkGolden(_ data: Data, _ name: String) throws {
        let url = Self.goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try data.write(to: url)
            return
        }
        let golden = try Data(contentsOf: url)
        #expect(
            String(decoding: data, as: UTF8.self) == String(decoding: golden, as: UTF8.self),
            "golden \(name) differs (UPDATE_GOLDEN=1 rewrites it)")
    }

    @Test(arguments: ReportFormat.allCases)
    func outputMatchesGoldenFile(format: ReportFormat) throws {
        let ext =
            ["text": "txt", "json": "jsonl", "junit": "xml", "sarif": "sarif", "markdown": "md"][format.rawValue]
            ?? "out"
        try checkGolden(try format.render(Self.reports), "report.\(ext)")
    }

    @Test func renderingIsDeterministic() throws {
        for f in ReportFormat.allCases {
            #expect(try f.render(Self.reports) == f.render(Self.reports))
        }
    }

    @Test func textColourIsOptional() throws {
        let plain = String(decoding: try ReportFormat.text.render(Self.reports, color: false), as: UTF8.self)
        let coloured = String(decoding: try ReportFormat.text.render(Self.reports, color: true), as: UTF8.self)
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[31mFAIL"))
    }

    @Test func jsonLinesValidateAgainstTheCommittedSchema() throws {
        let data = try ReportFormat.json.render(Self.reports)
        let lines = data.split(separator: 0x0A).map { Data($0) }
        #expect(lines.count == 2)
        let errors = try Tools.validateJSON(lines, schema: Fixtures.schema("report.schema.json"))
        #expect(errors == [])
    }

    @Test func sarifValidatesAgainstTheOASISSchema() throws {
        let data = try ReportFormat.sarif.render(Self.reports)
        let errors = try Tools.validateJSON([data], schema: try Fixtures.shared("schemas/sarif-schema-2.1.0.json"))
        #expect(errors == [])
    }

    @Test func junitValidatesAgainstTheXUnitSchema() throws {
        let file = try Tools.temporaryFile(try ReportFormat.junit.render(Self.reports), suffix: ".xml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try Tools.run(["xmllint", "--noout", "--schema", try Fixtures.shared("schemas/junit-10.xsd"), file])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func verdictFollowsStrictness() {
        let warnOnly = [Self.reports[0].requirements![2]]
        let lax = Report(image: .init(path: "x"), profile: "p", findings: warnOnly, facts: .null, strict: false)
        let strict = Report(image: .init(path: "x"), profile: "p", findings: warnOnly, facts: .null, strict: true)
        #expect(lax.verdict == .pass && lax.exitCode == 0)
        #expect(strict.verdict == .fail && strict.exitCode == 1)
    }
}
