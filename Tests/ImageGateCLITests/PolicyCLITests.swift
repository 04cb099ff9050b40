import Foundation
import TestSupport
import Testing

/// `check --policy` end to end on the debootstrapped Debian 12 tree (fixture debian12-tree): the
/// two example policies give known results in every format, reach pile workers, and a malformed
/// policy is a usage error.
@Suite struct PolicyCLITests {
    static var tree: String { get throws { try Fixtures.path("debian12-tree/rootfs") } }
    static let examples = ["hardened-baseline", "corporate-agent"].flatMap {
        ["--policy", Fixtures.packageRoot + "/examples/policies/\($0).yaml"]
    }

    /// What the Debian 12 tree gives for each example requirement (it has no sshd, no corp-agent,
    /// no hardening sysctl.d file, no bootloader configuration; cloud-init 22.4.2; a full cloud kernel).
    static let known: [String: String] = [
        "no-telnet-server": "pass", "no-rsh-server": "pass", "shadow-private": "pass", "no-empty-passwords": "pass",
        "sshd-no-root-password-login": "warn", "debug-shell-off": "pass", "no-icmp-redirects": "warn",
        "kernel-pointers-hidden": "warn", "nftables-available": "pass", "corp-agent-installed": "fail",
        "corp-agent-enabled": "fail", "corp-agent-enrolled": "fail", "cloud-init-supported": "pass",
        // The tree has no grub.cfg, BLS entry or /etc/default/grub: the command line is unknown.
        "kernel-audit-not-disabled": "skip",
    ]

    @Test func theExamplesGiveKnownResultsAndValidJSON() throws {
        let r = try CLI.run(["check", "--format", "json"] + Self.examples + [try Self.tree])
        #expect(r.status == 1, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let findings = try #require(report["requirements"] as? [[String: Any]])
        var got: [String: String] = [:]
        for f in findings { got[f["id"] as? String ?? ""] = f["status"] as? String }
        for (id, status) in Self.known { #expect(got[id] == status, "\(id)") }
        let enrolled = try #require(findings.first { $0["id"] as? String == "corp-agent-enrolled" })
        #expect(enrolled["reference"] as? String == "Corporate Linux image standard, section 4.3")
        #expect((enrolled["remediation"] as? String)?.contains("tenant_id") == true)
        #expect(enrolled["severity"] as? String == "must")
        let errors = try Tools.validateJSON([r.stdout], schema: Fixtures.schema("report.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test(arguments: ["text", "markdown", "sarif", "junit"])
    func everyFormatShowsPolicyFindings(_ format: String) throws {
        let r = try CLI.run(["check", "--format", format] + Self.examples + [try Self.tree])
        #expect(r.status == 1, "\(r.stderr)")
        let out = String(decoding: r.stdout, as: UTF8.self)
        #expect(out.contains("corp-agent-installed"), "\(format)")
        // SARIF lists failures only by default; the others list every requirement.
        #expect(out.contains("corp-agent-enrolled"), "\(format)")
    }

    /// Several images make a pile checked by worker processes: each worker reads the policies too.
    @Test func pileWorkersCheckThePolicies() throws {
        let tree = try Self.tree
        let r = try CLI.run(["check", "--format", "json", "--jobs", "2"] + Self.examples + [tree, tree])
        #expect(r.status == 1, "\(r.stderr)")
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let ids = (report["requirements"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains("corp-agent-installed") && ids.contains("no-telnet-server"))
        }
    }

    @Test func aMalformedPolicyIsAUsageErrorNamingWhere() throws {
        let bad = try Tools.temporaryFile(
            Data(
                "schemaVersion: 1\nrequirements:\n  - id: x\n    title: t\n    severity: must\n    remediation: r\n    sysctl: {key: a.b, value: 1}\n"
                    .utf8),
            suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let r = try CLI.run(["check", "--policy", bad, try Self.tree])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(bad):7:24: requirements[0].sysctl.value: unknown key 'value'"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aMissingPolicyFileIsAUsageError() throws {
        let r = try CLI.run(["check", "--policy", "/nonexistent/policy.yaml", try Self.tree])
        #expect(r.status == 64)
        #expect(r.stderr.contains("imagegate: error: /nonexistent/policy.yaml: cannot read the file"), "\(r.stderr)")
    }

    @Test func aBuiltInIdIsAUsageError() throws {
        let bad = try Tools.temporaryFile(
            Data(
                "schemaVersion: 1\nrequirements:\n  - id: rp-filter\n    title: t\n    severity: must\n    remediation: r\n    unit: {name: x, masked: true}\n"
                    .utf8),
            suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let r = try CLI.run(["check", "--policy", bad, try Self.tree])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(bad):3:9: id: 'rp-filter' is the id of a built-in requirement"), "\(r.stderr)")
    }
}

/// `requirements --policy`: each policy's requirements listed after the profiles', in every
/// catalogue format, as `check` reports them.
@Suite struct RequirementsPolicyCLITests {
    static var agent: String { Fixtures.packageRoot + "/examples/policies/corporate-agent.yaml" }
    static var hardened: String { Fixtures.packageRoot + "/examples/policies/hardened-baseline.yaml" }
    static let agentIds = ["corp-agent-installed", "corp-agent-enabled", "corp-agent-enrolled", "cloud-init-supported"]

    @Test func textListsEachPolicyAfterTheProfile() throws {
        let r = try CLI.run(["requirements", "--profile", "azure-image", "--policy", Self.agent])
        #expect(r.status == 0, "\(r.stderr)")
        let out = String(decoding: r.stdout, as: UTF8.self)
        let heading = try #require(out.range(of: "Policy \(Self.agent) (corporate-agent): 4 requirements\n\n"))
        #expect(out.hasPrefix("Profile azure-image: "))
        #expect(out[..<heading.lowerBound].contains("fstab-persistent [must]"))
        let section = out[heading.upperBound...]
        #expect(section.hasPrefix("corp-agent-installed [must]: The corporate monitoring agent"))
        #expect(section.contains("  source: Corporate Linux image standard, section 4.2\n"))
        #expect(section.contains("cloud-init-supported [should]: "))
        // Without a reference the policy file is the source, as in check's findings.
        #expect(section.contains("  source: policy file \(Self.agent) (corporate-agent)\n"))
        #expect(section.contains("Not checkable from an image:"))
    }

    @Test func jsonHasAPoliciesArrayThatValidates() throws {
        let r = try CLI.run(["requirements", "--format", "json", "--policy", Self.agent, "--policy", Self.hardened])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let policies = try #require(doc["policies"] as? [[String: Any]])
        #expect(policies.map { $0["file"] as? String } == [Self.agent, Self.hardened])
        #expect(policies.first?["name"] as? String == "corporate-agent")
        let ids = ((policies.first?["requirements"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(ids == Self.agentIds)
        #expect((doc["profiles"] as? [Any])?.count == 2)
        let errors = try Tools.validateJSON([r.stdout], schema: Fixtures.schema("requirements.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
        // Without --policy the document is as before: no policies key.
        let plain = try CLI.run(["requirements", "--format", "json"])
        let plainDoc = try #require(try JSONSerialization.jsonObject(with: plain.stdout) as? [String: Any])
        #expect(plainDoc["policies"] == nil)
    }

    @Test func markdownHasASectionPerPolicy() throws {
        let r = try CLI.run([
            "requirements", "--format", "markdown", "--profile", "azure-image", "--policy", Self.agent,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let out = String(decoding: r.stdout, as: UTF8.self)
        let heading = try #require(out.range(of: "## Policy `\(Self.agent)` (corporate-agent) (4 requirements)\n\n"))
        for id in Self.agentIds { #expect(out[heading.upperBound...].contains("| `\(id)` | "), "\(id)") }
        #expect(out[..<heading.lowerBound].contains("## Profile `azure-image`"))
    }

    @Test func aBadPolicyIsAUsageError() throws {
        let bad = try Tools.temporaryFile(
            Data(
                "schemaVersion: 1\nrequirements:\n  - id: vhd-format\n    title: t\n    severity: must\n    remediation: r\n    unit: {name: x, masked: true}\n"
                    .utf8),
            suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let r = try CLI.run(["requirements", "--policy", bad])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(bad):3:9: id: 'vhd-format' is the id of a built-in requirement"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try CLI.run(["requirements", "--policy", bad + ".missing"]).status == 64)
    }
}

/// The example policies give the same result read from a disk image (ext4 inside qcow2: modes,
/// owners and contents through the file system layer) as from the folder it was made of.
@Suite struct PolicyDiskTests {
    static func statuses(_ image: String) throws -> [String: String] {
        let r = try CLI.run(["check", "--format", "json"] + PolicyCLITests.examples + [image])
        let report = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any], "\(r.stderr)")
        var out: [String: String] = [:]
        for f in report["requirements"] as? [[String: Any]] ?? []
        where PolicyCLITests.known[f["id"] as? String ?? ""] != nil {
            out[f["id"] as? String ?? ""] = f["status"] as? String
        }
        return out
    }

    @Test func aDiskImageAndItsTreeAgree() throws {
        var disk = try Self.statuses(try Fixtures.path("debian12-disk/disk.qcow2"))
        var tree = try Self.statuses(try Fixtures.path("debian12-disk/tree"))
        #expect(disk.count == PolicyCLITests.known.count)
        // /boot is a partition of its own on the disk, so only the disk has grub.cfg to read the
        // command line from.
        #expect(disk.removeValue(forKey: "kernel-audit-not-disabled") == "pass")
        #expect(tree.removeValue(forKey: "kernel-audit-not-disabled") == "skip")
        #expect(disk == tree)
        #expect(disk["shadow-private"] == "pass" && disk["corp-agent-installed"] == "fail")
    }
}
