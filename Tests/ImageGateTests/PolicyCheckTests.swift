import Foundation
import ImageGate
import TestSupport
import Testing

/// A guest folder the test writes, checked with a policy whose every rule kind has a rule the
/// folder meets and one it does not.
struct PolicyGuest {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("policy-guest-\(UUID())").path
        try write("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        try write("/etc/fstab", "/dev/sda1 / ext4 defaults 0 1\n")
        try write(
            "/var/lib/dpkg/status",
            """
            Package: corp-agent
            Status: install ok installed
            Architecture: amd64
            Version: 1:2.4.1-3

            Package: openssl
            Status: install ok installed
            Architecture: amd64
            Version: 3.0.15-1~deb12u1

            """)
        try write("/etc/corp/agent.conf", "# agent\ntenant_id = 42\nmode=strict\n", mode: 0o640)
        // The files belong to whoever runs the test: the guest's account files name that uid
        // `corp` and that gid `corpg` (the first name of an id wins, as for getpwuid).
        try write("/etc/passwd", "corp:x:\(getuid()):\(getgid())::/:/bin/false\nroot:x:0:0:root:/root:/bin/sh\n")
        try write("/etc/group", "corpg:x:\(getgid()):\nroot:x:0:\n")
        try write("/boot/vmlinuz-6.1.0-test", "not a real kernel")
        try write(
            "/boot/grub/grub.cfg",
            "set default=\"0\"\nmenuentry 'Test' {\n\tlinux\t/boot/vmlinuz-6.1.0-test root=PARTUUID=1234 ro console=ttyS0,115200n8 quiet\n}\n"
        )
        try write("/lib/modules/6.1.0-test/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz", "")
        try write("/lib/modules/6.1.0-test/modules.builtin", "kernel/drivers/md/dm-mod.ko\n")
        try write("/boot/config-6.1.0-test", "CONFIG_IP_NF_IPTABLES=y\nCONFIG_NF_TABLES=m\n")
        try write("/lib/systemd/system/corp-agent.service", "[Unit]\n")
        try link(
            "/lib/systemd/system/corp-agent.service", "/etc/systemd/system/multi-user.target.wants/corp-agent.service")
        try link("/dev/null", "/etc/systemd/system/telnet.socket")
        try write("/etc/sysctl.d/90-hardening.conf", "net.ipv4.conf.all.accept_redirects = 0\nkernel.kptr_restrict=1\n")
        try write("/etc/sysctl.d/99-late.conf", "kernel.kptr_restrict = 2\nnet.ipv4.tcp_rmem = 4096\t87380   6291456\n")
    }

    func write(_ path: String, _ text: String, mode: Int = 0o644) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
    }

    func link(_ target: String, _ path: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite struct PolicyCheckTests {
    /// id, rule (YAML flow mapping), and the status the guest above must give.
    static let cases: [(id: String, rule: String, status: Status)] = [
        ("pkg-at-least", "package: {name: corp-agent, atLeast: '2.3'}", .pass),
        ("pkg-too-old", "package: {name: corp-agent, atLeast: '2.5'}", .fail),
        ("pkg-full-version", "package: {name: corp-agent, atLeast: '1:2.4.1-3'}", .pass),
        ("pkg-range", "package: {name: openssl, atLeast: '3.0', below: '3.0.15'}", .fail),
        ("pkg-below", "package: {name: openssl, below: '3.1'}", .pass),
        ("pkg-absent", "package: {name: telnetd, absent: true}", .pass),
        ("pkg-present", "package: {name: openssl, absent: true}", .fail),
        ("pkg-missing", "package: {name: corp-edr, atLeast: '1'}", .fail),
        (
            "file-ok",
            "file: {path: /etc/corp/agent.conf, mode: '0640', contains: '^tenant_id\\s*=\\s*[0-9]+$', notContains: '^mode=permissive'}",
            .pass
        ),
        ("file-mode", "file: {path: /etc/corp/agent.conf, mode: '0600'}", .fail),
        ("file-content", "file: {path: /etc/corp/agent.conf, notContains: '^mode=strict$'}", .fail),
        ("file-owner-name", "file: {path: /etc/corp/agent.conf, owner: 'corp:corpg'}", .pass),
        ("file-owner-number", "file: {path: /etc/corp/agent.conf, owner: '\(getuid())'}", .pass),
        ("file-owner-wrong", "file: {path: /etc/corp/agent.conf, owner: 'nobody'}", .fail),
        ("file-absent", "file: {path: /etc/corp/debug.flag, absent: true}", .pass),
        ("file-exists", "file: {path: /etc/corp/missing.conf, exists: true}", .fail),
        ("mod-file", "module: {name: e1000e}", .pass),
        ("mod-builtin", "module: {name: dm-mod}", .pass),
        ("mod-config", "module: {name: ip_tables, config: CONFIG_IP_NF_IPTABLES}", .pass),
        ("mod-config-m", "module: {name: nf_tables, config: CONFIG_NF_TABLES}", .fail),
        ("unit-enabled", "unit: {name: corp-agent, enabled: true}", .pass),
        ("unit-not-enabled", "unit: {name: ssh.service, enabled: true}", .fail),
        ("unit-disabled", "unit: {name: ssh.service, disabled: true}", .pass),
        ("unit-masked", "unit: {name: telnet.socket, masked: true}", .pass),
        ("unit-not-masked", "unit: {name: corp-agent.service, masked: true}", .fail),
        ("sysctl-ok", "sysctl: {key: net.ipv4.conf.all.accept_redirects, equals: 0}", .pass),
        ("sysctl-last-wins", "sysctl: {key: kernel.kptr_restrict, equals: 1}", .fail),
        ("sysctl-fields", "sysctl: {key: net/ipv4/tcp_rmem, equals: '4096 87380 6291456'}", .pass),
        ("sysctl-unset", "sysctl: {key: kernel.dmesg_restrict, equals: 1}", .fail),
        ("cmdline-key", "kernelCmdline: {contains: console}", .pass),
        ("cmdline-exact-word", "kernelCmdline: {contains: 'console=ttyS0'}", .fail),
        ("cmdline-not", "kernelCmdline: {notContains: [rhgb, quiet]}", .fail),
        ("cmdline-ok", "kernelCmdline: {contains: [ro, 'root=PARTUUID=1234'], notContains: rhgb}", .pass),
    ]

    static func policy(severity: String) -> String {
        "schemaVersion: 1\nname: every-kind\nrequirements:\n"
            + cases.map {
                "  - id: \($0.id)\n    title: \($0.id)\n    severity: \(severity)\n    remediation: fix \($0.id)\n    \($0.rule)\n"
            }
            .joined()
    }

    @Test func everyRuleKindPassesAndFailsOnARealTree() throws {
        let guest = try PolicyGuest()
        defer { guest.remove() }
        let policy = try Policy.parse(Self.policy(severity: "must"), file: "every-kind.yaml")
        var options = CheckOptions()
        options.policies = [policy]
        let result = ImageGate.check(guest.root, options: options)
        let findings = result.report.requirements ?? []
        for c in Self.cases {
            let f = try #require(findings.first { $0.id == c.id }, "\(c.id)")
            #expect(f.status == c.status, "\(c.id): \(f.summary) found: \(f.found)")
            #expect(f.reference.contains("every-kind.yaml"), "\(c.id)")
            #expect((f.remediation != nil) == (c.status != .pass), "\(c.id)")
        }
        // Built-in requirements still come first, policy ones after, in file order.
        let ids = findings.map(\.id)
        #expect(Array(ids.suffix(Self.cases.count)) == Self.cases.map(\.id))
        #expect(ids.first == "kernel")
        #expect(result.report.verdict == .fail)
        // Content is searched at inspection and only line numbers reach the facts.
        let file = try #require(result.facts?.declaredFiles?.first { $0.path == "/etc/corp/agent.conf" })
        #expect(file.matches.first { $0.pattern == "^mode=strict$" }?.line == 3)
        #expect(file.user == "corp")
        let json = String(decoding: try JSONEncoder().encode(result.report), as: UTF8.self)
        #expect(!json.contains("tenant_id = 42"))
        #expect(findings.first { $0.id == "sysctl-last-wins" }?.summary.contains("99-late.conf:1") == true)
        #expect(findings.first { $0.id == "mod-config-m" }?.found.contains("CONFIG_NF_TABLES=m") == true)
    }

    @Test func aShouldRuleWarnsInsteadOfFailing() throws {
        let guest = try PolicyGuest()
        defer { guest.remove() }
        var options = CheckOptions()
        options.policies = [try Policy.parse(Self.policy(severity: "should"), file: "p.yaml")]
        let findings = ImageGate.check(guest.root, options: options).report.requirements ?? []
        for c in Self.cases {
            #expect(findings.first { $0.id == c.id }?.status == (c.status == .fail ? .warn : c.status), "\(c.id)")
        }
    }

    /// A tarball keeps only the bytes inspection declared: a policy's content rules widen that.
    @Test func contentRulesWorkOnATarballToo() throws {
        let guest = try PolicyGuest()
        defer { guest.remove() }
        let tar = guest.root + ".tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        _ = try Tools.run(["tar", "-C", guest.root, "-cf", tar, "."])
        var options = CheckOptions()
        options.policies = [try Policy.parse(Self.policy(severity: "must"), file: "p.yaml")]
        let findings = ImageGate.check(tar, options: options).report.requirements ?? []
        for c in Self.cases where c.id.hasPrefix("file-") {
            let f = findings.first { $0.id == c.id }
            #expect(f?.status == c.status, "\(c.id): \(f?.summary ?? "")")
        }
    }

    /// An unreadable package database makes the image an error (exit 2) instead of a report whose
    /// package rules guess; the rules themselves still skip on such facts (a library caller may
    /// evaluate requirements on facts of its own).
    @Test func anUnreadableDatabaseIsAnErrorAndItsRulesSkip() throws {
        let guest = try PolicyGuest()
        defer { guest.remove() }
        try FileManager.default.removeItem(atPath: guest.root + "/var/lib/dpkg/status")
        try FileManager.default.createDirectory(
            atPath: guest.root + "/var/lib/dpkg/status", withIntermediateDirectories: true)
        var options = CheckOptions()
        options.policies = [try Policy.parse(Self.policy(severity: "must"), file: "p.yaml")]
        let result = ImageGate.check(guest.root, options: options)
        #expect(result.report.verdict == .error)
        #expect(result.report.error?.layer == "dpkg")
        #expect(result.report.error?.message.contains("not a regular file") == true)
        let facts = try #require(result.facts)
        let rule = try #require(options.policies.flatMap(\.requirements).first { $0.id == "pkg-absent" })
        let f = rule.evaluate(CheckContext(facts: facts))
        #expect(f.status == .skip, "\(f.summary)")
    }
}
