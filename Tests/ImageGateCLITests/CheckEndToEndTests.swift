import Foundation
import TestSupport
import Testing

/// `imagegate check` end to end on real images: the debootstrap Debian 12 disk (fixture
/// debian12-disk: the real packages fail cloud-init, azure-vm-utils and udev-rule), the same tree
/// made ready with the real azure-vm-utils from bookworm-backports and a cloud-init 23.4 .deb
/// (fixture debian12-pass: every `must` passes), and the bundled sample (`make demo`).
@Suite(.serialized) struct CheckEndToEndTests {
    static let diskFormats = ["disk.raw", "disk.qcow2", "disk-fixed.vhd", "disk-dynamic.vhd"]
    static let musts = [
        "kernel", "drivers", "cloud-init", "azure-vm-utils", "udev-rule", "network-managers", "vm-size",
    ]

    static func debian(_ file: String) throws -> String { try Fixtures.path("debian12-disk/\(file)") }
    static func ready(_ file: String) throws -> String { try Fixtures.path("debian12-pass/\(file)") }

    /// One JSON object per line of `check --format json`.
    struct Checked {
        var status: Int32
        var reports: [[String: Any]]
        var stderr: String
        var raw: Data

        /// The status of each requirement of report `i`, by id.
        func statuses(_ i: Int = 0) -> [String: String] {
            let findings = reports.indices.contains(i) ? reports[i]["requirements"] as? [[String: Any]] ?? [] : []
            var out: [String: String] = [:]
            for f in findings { if let id = f["id"] as? String { out[id] = f["status"] as? String } }
            return out
        }

        func finding(_ id: String, _ i: Int = 0) -> [String: Any] {
            let findings = reports.indices.contains(i) ? reports[i]["requirements"] as? [[String: Any]] ?? [] : []
            return findings.first { $0["id"] as? String == id } ?? [:]
        }
    }

    static func check(_ args: [String]) throws -> Checked {
        let r = try CLI.run(["check", "--format", "json"] + args)
        var reports: [[String: Any]] = []
        for line in r.stdout.split(separator: 0x0A) {
            if let o = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] { reports.append(o) }
        }
        return Checked(status: r.status, reports: reports, stderr: r.stderr, raw: r.stdout)
    }

    // MARK: debian12-disk: the three designed failures, from every container format

    @Test(arguments: diskFormats)
    func debianDiskFailsCloudInitAzureVMUtilsAndTheUdevRule(format: String) throws {
        let c = try Self.check([try Self.debian(format)])
        #expect(c.status == 1, "\(c.stderr)")
        #expect(c.reports.count == 1)
        #expect(c.reports.first?["verdict"] as? String == "fail")
        let s = c.statuses()
        #expect(s["cloud-init"] == "fail")
        #expect(s["azure-vm-utils"] == "fail")
        #expect(s["udev-rule"] == "fail")
        #expect(s["kernel"] == "pass")
        #expect(s["drivers"] == "pass")
        #expect(s["network-managers"] == "pass")
        #expect(s["vm-size"] == "skip")
        #expect(s["vf-traffic"] == "skip")
        // Debian 12 ships no NetworkManager in these images and only commented rp_filter lines.
        #expect(s["nm-managed-override"] == "skip")
        #expect(s["rp-filter"] == "pass")
        let found = c.finding("cloud-init")["found"] as? String ?? ""
        #expect(found.contains("22.4."), "cloud-init found: \(found)")
        let managers = c.finding("network-managers")["found"] as? String ?? ""
        #expect(managers.contains("ifupdown"), "network-managers found: \(managers)")
    }

    @Test func everyContainerFormatGivesTheSameFacts() throws {
        var facts: [NSDictionary] = []
        for format in Self.diskFormats {
            let c = try Self.check([try Self.debian(format)])
            let f = c.reports.first?["facts"] as? NSDictionary
            #expect(f != nil, "\(format): no facts")
            if let f { facts.append(f) }
        }
        #expect(facts.count == Self.diskFormats.count)
        for (i, f) in facts.enumerated().dropFirst() {
            let same = f.isEqual(facts[0])
            #expect(same, "\(Self.diskFormats[i]) facts differ from \(Self.diskFormats[0])'s")
        }
    }

    // MARK: debian12-pass: every must passes

    @Test(arguments: ["disk.qcow2", "disk-fixed.vhd", "disk-dynamic.vhd", "disk.raw"])
    func readyDebianPassesEveryMust(format: String) throws {
        let c = try Self.check([try Self.ready(format)])
        #expect(c.status == 0, "\(c.stderr)")
        // Once: a check that passes returns from its run, and nothing may run it again.
        #expect(c.reports.count == 1)
        #expect(c.reports.first?["verdict"] as? String == "pass")
        let s = c.statuses()
        for id in Self.musts where id != "vm-size" {
            #expect(s[id] == "pass", "\(id): \(c.finding(id))")
        }
        #expect(s["vm-size"] == "skip", "no --vm-size: \(c.finding("vm-size"))")
        let found = c.finding("cloud-init")["found"] as? String ?? ""
        #expect(found.contains("23.4.4"), "cloud-init found: \(found)")
        let utils = c.finding("azure-vm-utils")["found"] as? String ?? ""
        #expect(utils.contains("0.6.0"), "azure-vm-utils found: \(utils)")
    }

    @Test func readyDebianPassesTheVMSizeWhenNamed() throws {
        let c = try Self.check([try Self.ready("disk.qcow2"), "--vm-size", "Standard_D4s_v5"])
        #expect(c.status == 0, "\(c.stderr)")
        let s = c.statuses()
        for id in Self.musts { #expect(s[id] == "pass", "\(id): \(c.finding(id))") }
    }

    /// The initramfs the fixture rebuilt holds the rule (its listing was made by the tree's own
    /// lsinitramfs), so initramfs-rule passes rather than warns.
    @Test func readyDebianHasTheRuleInItsInitramfs() throws {
        let listing = try String(contentsOfFile: try Self.ready("initramfs-listing.txt"), encoding: .utf8)
        #expect(listing.contains("udev/rules.d/10-azure-unmanaged-sriov.rules"))
        let c = try Self.check([try Self.ready("disk.qcow2")])
        #expect(c.statuses()["initramfs-rule"] == "pass", "\(c.finding("initramfs-rule"))")
    }

    /// `-o` writes the named file in place: through a symlink and into the same inode. A
    /// create-and-rename would replace the link, and would turn `-o /dev/null` into a file.
    @Test func outputIsWrittenInPlaceNotRenamedOver() throws {
        let image = try Fixtures.path("debian12-pass/disk.qcow2")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-out-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(
            FileManager.default.createFile(
                atPath: dir + "/target.json", contents: Data("old, longer than nothing".utf8)))
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/link.json", withDestinationPath: dir + "/target.json")
        let before =
            try FileManager.default.attributesOfItem(atPath: dir + "/target.json")[.systemFileNumber] as? NSNumber
        let r = try CLI.run(["check", image, "--format", "json", "-o", dir + "/link.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/link.json")
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link was replaced")
        let after =
            try FileManager.default.attributesOfItem(atPath: dir + "/target.json")[.systemFileNumber] as? NSNumber
        #expect(before != nil && before?.uint64Value == after?.uint64Value, "the target was renamed over")
        let written = try Data(contentsOf: URL(fileURLWithPath: dir + "/target.json"))
        #expect(try JSONSerialization.jsonObject(with: written) is [String: Any], "truncated and rewritten")
    }

    // MARK: every report format, validated

    static let fixtures = ["debian12-disk/disk.qcow2", "debian12-pass/disk.qcow2"]

    @Test(arguments: fixtures)
    func everyFormatRenders(fixture: String) throws {
        let image = try Fixtures.path(fixture)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-e2e-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let expectedStatus: Int32 = fixture.hasPrefix("debian12-pass") ? 0 : 1
        for format in ["text", "json", "junit", "sarif", "markdown"] {
            let file = "\(dir)/report.\(format)"
            let r = try CLI.run(["check", image, "--format", format, "--output", file])
            #expect(r.status == expectedStatus, "\(format): \(r.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(!data.isEmpty, "\(format): empty report")
            let text = String(decoding: data, as: UTF8.self)
            for id in ["cloud-init", "azure-vm-utils", "udev-rule"] {
                #expect(text.contains(id), "\(format) lacks \(id)")
            }
            switch format {
            case "json":
                let lines = data.split(separator: 0x0A).map { Data($0) }
                #expect(lines.count == 1)
                let errors = try Tools.validateJSON(lines, schema: Fixtures.schema("report.schema.json"))
                #expect(errors.isEmpty, "\(errors)")
            case "sarif":
                let errors = try Tools.validateJSON(
                    [data], schema: try Fixtures.shared("schemas/sarif-schema-2.1.0.json"))
                #expect(errors.isEmpty, "\(errors)")
            case "junit":
                let x = try Tools.run([
                    "xmllint", "--noout", "--schema", try Fixtures.shared("schemas/junit-10.xsd"), file,
                ])
                #expect(x.status == 0, "\(x.stderr)")
            default:
                break
            }
        }
    }

    // MARK: several images

    /// JSON lines come as images finish; each carries its input index, which restores argument order.
    @Test func severalImagesCarryTheirArgumentIndexWithTheWorstExitCode() throws {
        let images = [try Self.ready("disk.qcow2"), try Self.debian("disk.qcow2"), try Self.ready("disk-fixed.vhd")]
        let c = try Self.check(images + ["--jobs", "2"])
        #expect(c.status == 1, "\(c.stderr)")
        let sorted = c.reports.sorted { ($0["index"] as? Int ?? -1) < ($1["index"] as? Int ?? -1) }
        #expect(sorted.compactMap { $0["index"] as? Int } == [0, 1, 2])
        #expect(sorted.compactMap { ($0["image"] as? [String: Any])?["path"] as? String } == images)
        #expect(sorted.map { $0["verdict"] as? String ?? "" } == ["pass", "fail", "pass"])

        let passing = try Self.check([try Self.ready("disk-fixed.vhd"), try Self.ready("disk.qcow2"), "--jobs", "2"])
        #expect(passing.status == 0, "\(passing.stderr)")
        #expect(passing.reports.count == 2)
    }

    @Test func anUnreadableImageAmongOthersMakesTheExitCode2() throws {
        let zeros = try Tools.temporaryFile(Data(count: 1 << 20), suffix: ".raw")
        defer { try? FileManager.default.removeItem(atPath: zeros) }
        let c = try Self.check([try Self.debian("disk.qcow2"), zeros, "--jobs", "2"])
        #expect(c.status == 2, "\(c.stderr)")
        let sorted = c.reports.sorted { ($0["index"] as? Int ?? -1) < ($1["index"] as? Int ?? -1) }
        #expect(sorted.map { $0["verdict"] as? String ?? "" } == ["fail", "error"])
    }

    // MARK: unreadable images

    /// A copy of a real image cut short, and a file of zeros: exit 2 and one JSON object with
    /// verdict `error` naming the layer that failed.
    @Test(arguments: ["truncated qcow2", "truncated dynamic vhd", "zeros"])
    func anUnreadableImageIsAnError(kind: String) throws {
        let data: Data
        switch kind {
        case "truncated qcow2": data = try Self.prefix(try Self.debian("disk.qcow2"), 3 << 20)
        case "truncated dynamic vhd": data = try Self.prefix(try Self.debian("disk-dynamic.vhd"), 3 << 20)
        default: data = Data(count: 4 << 20)
        }
        let suffix = kind.hasSuffix("qcow2") ? ".qcow2" : kind.hasSuffix("vhd") ? ".vhd" : ".raw"
        let path = try Tools.temporaryFile(data, suffix: suffix)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try Self.check([path])
        #expect(c.status == 2, "\(kind): \(c.stderr)")
        #expect(c.reports.count == 1)
        let report = c.reports.first ?? [:]
        #expect(report["verdict"] as? String == "error")
        let error = report["error"] as? [String: Any]
        let layer = error?["layer"] as? String ?? ""
        #expect(!layer.isEmpty, "\(kind): \(report)")
        let errors = try Tools.validateJSON([c.raw], schema: Fixtures.schema("report.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
    }

    static func prefix(_ path: String, _ count: Int) throws -> Data {
        let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? h.close() }
        return try h.read(upToCount: count) ?? Data()
    }

    // MARK: the bundled sample (make demo)

    @Test func theSampleFailsWhatTheDemoShows() throws {
        let c = try Self.check([try Fixtures.path("sample/sample.vhd")])
        #expect(c.status == 1, "\(c.stderr)")
        let s = c.statuses()
        for id in ["cloud-init", "azure-vm-utils", "udev-rule"] { #expect(s[id] == "fail", "\(id): \(c.finding(id))") }
        let text = try CLI.run(["check", try Fixtures.path("sample/sample.vhd")])
        #expect(text.status == 1)
        #expect(String(decoding: text.stdout, as: UTF8.self).contains("cloud-init"))
    }
}
