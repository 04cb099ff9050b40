import Foundation
import Guest
import Testing

/// `no-credentials` on guest folders built here.
@Suite struct CredentialRequirementTests {
    /// A sha512-crypt hash of "builder" (made with `openssl passwd -6 -salt abcdefgh builder`): a real one, never printed.
    static let hash =
        "$6$abcdefgh$8Iq8TGgzC4OgfMQCkbmLOQ7Hr2Ef.PgAqnpCQsiHMnIpldI6EGfVM5qvoHuXvnIqbnz1inKvQS/4oDr68dZL81"

    /// A traditional 13-character DES-crypt field (salt `ab` and 11 hash characters).
    static let des = "abJnggxhB/yWI"

    @Test func lockedAndEmptyPasswordsPass() throws {
        let g = try GuestFolder()
        try g.write(
            "/etc/shadow",
            """
            root:\(Self.hash):19700:0:99999:7:::
            daemon:*:19700:0:99999:7:::
            systemd-network:!*:19700::::::
            locked:!\(Self.hash):19700:0:99999:7:::
            new:!!:19700:0:99999:7:::
            nopass::19700:0:99999:7:::
            lk:*LK*:19700:0:99999:7:::

            """)
        let f = try g.finding("no-credentials")
        #expect(f.status == .pass, "\(f.found)")
        #expect(f.evidence == ["/etc/shadow"])
    }

    @Test func usableHashKeysAndHostKeysFailWithoutPrintingTheHash() throws {
        let g = try GuestFolder()
        try g.write(
            "/etc/shadow", "root:*:19700::::::\nbuilder:\(Self.hash):19700:0:99999:7:::\nold:\(Self.des):1::::::\n")
        try g.write(
            "/home/builder/.ssh/authorized_keys",
            "# builder\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly builder@host\n")
        try g.write("/root/.ssh/authorized_keys2", "\n# nothing here\n")
        try g.write("/etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        try g.write("/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA\n")
        let f = try g.finding("no-credentials")
        #expect(f.status == .fail)
        #expect(f.found.contains("builder has a usable hash (/etc/shadow:2)"))
        #expect(f.found.contains("old has a usable hash (/etc/shadow:3)"))
        #expect(f.found.contains("/home/builder/.ssh/authorized_keys lists 1 key(s)"))
        #expect(!f.found.contains("/root/.ssh"))
        #expect(f.found.contains("SSH host private keys /etc/ssh/ssh_host_ed25519_key"))
        #expect(!f.found.contains("ssh_host_ed25519_key.pub"))
        let report = f.found + f.summary + (f.remediation ?? "") + f.evidence.joined()
        #expect(!report.contains("$6$"))
        #expect(!report.contains(Self.des))
        #expect(f.remediation?.contains("userdel -r builder old") == true)
        #expect(f.remediation?.contains("rm -f /home/builder/.ssh/authorized_keys") == true)
    }

    @Test func rootAloneWithAPasswordPasses() throws {
        let g = try GuestFolder()
        try g.write("/etc/shadow", "root:\(Self.hash):19700::::::\n")
        #expect(try g.finding("no-credentials").status == .pass)
    }
}
