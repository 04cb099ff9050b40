import Foundation
import Guest
import Testing

/// `sshd` on guest folders built here: Debian's `Include` at the top of sshd_config, drop-ins in
/// name order, first value winning, and `Match` blocks that do not set the global value.
@Suite struct SSHDRequirementTests {
    /// openssh-server installed, ssh.service enabled, and Debian 12's shipped sshd_config.
    static func debianServer() throws -> GuestFolder {
        let g = try GuestFolder()
        try g.dpkg([("openssh-server", "1:9.2p1-2+deb12u3")])
        try g.enable("ssh.service")
        try g.write(
            "/etc/ssh/sshd_config",
            """
            # This is the sshd server system-wide configuration file.
            Include /etc/ssh/sshd_config.d/*.conf

            #Port 22
            KbdInteractiveAuthentication no
            UsePAM yes
            Subsystem\tsftp\t/usr/lib/openssh/sftp-server
            ClientAliveInterval 600

            """)
        return g
    }

    @Test func firstDropInValueWinsAndAMatchInAnEarlierDropInDoesNotCount() throws {
        let g = try Self.debianServer()
        try g.write("/etc/ssh/sshd_config.d/10-match.conf", "Match User deploy\n    ClientAliveInterval 5\n")
        try g.write(
            "/etc/ssh/sshd_config.d/20-keepalive.conf", "\n  clientaliveinterval=2m # keep NAT mappings alive\n")
        try g.write("/etc/ssh/sshd_config.d/90-late.conf", "ClientAliveInterval 1000\n")
        try g.write("/etc/ssh/sshd_config.d/README", "ClientAliveInterval 1\n")
        let facts = try g.facts()
        #expect(
            facts.sshd.files == [
                .path("/etc/ssh/sshd_config"), .path("/etc/ssh/sshd_config.d/10-match.conf"),
                .path("/etc/ssh/sshd_config.d/20-keepalive.conf"), .path("/etc/ssh/sshd_config.d/90-late.conf"),
            ])
        let setting = try #require(facts.sshd.setting("clientaliveinterval"))
        #expect(setting.keyword == "ClientAliveInterval")
        #expect(setting.value == "2m")
        #expect(setting.location == "/etc/ssh/sshd_config.d/20-keepalive.conf:2")
        let f = try GuestFolder.finding("sshd", facts)
        #expect(f.status == .pass, "\(f.found) — \(f.summary)")
        #expect(f.found == "ssh.service enabled; ClientAliveInterval 2m (/etc/ssh/sshd_config.d/20-keepalive.conf:2)")
    }

    @Test func outOfRangeValueAndDisabledServiceWarnWithBothFixes() throws {
        let g = try GuestFolder()
        try g.dpkg([("openssh-server", "1:9.2p1-2+deb12u3")])
        try g.write("/usr/lib/systemd/system/ssh.service", "[Unit]\n")
        try g.write("/etc/ssh/sshd_config", "ClientAliveInterval 300\nClientAliveInterval 120\n")
        let f = try g.finding("sshd")
        #expect(f.status == .warn)
        #expect(
            f.found
                == "ssh.service is not enabled; ClientAliveInterval 300 (/etc/ssh/sshd_config:1) is 300 s, outside 30–235 s"
        )
        #expect(
            f.remediation
                == "systemctl enable ssh.service; change line 1 of /etc/ssh/sshd_config to ClientAliveInterval 180 (sshd keeps the first value it reads)."
        )
    }

    @Test func includeInsideMatchIsReadButNotGlobalAndMatchAllIsGlobalAgain() throws {
        let g = try Self.debianServer()
        try g.write(
            "/etc/ssh/sshd_config",
            "Match Group admins\n    ClientAliveInterval 60\n    Include extra.conf\nMatch all\nClientAliveCountMax 3\n"
        )
        try g.write("/etc/ssh/extra.conf", "ClientAliveInterval 90\n")
        let facts = try g.facts()
        #expect(facts.sshd.files == [.path("/etc/ssh/sshd_config"), .path("/etc/ssh/extra.conf")])
        #expect(facts.sshd.setting("ClientAliveInterval") == nil)
        #expect(facts.sshd.setting("ClientAliveCountMax")?.location == "/etc/ssh/sshd_config:5")
        let f = try GuestFolder.finding("sshd", facts)
        #expect(f.status == .warn)
        #expect(
            f.found.hasPrefix(
                "ClientAliveInterval is not set (sshd's default 0: no keep-alive) in /etc/ssh/sshd_config, /etc/ssh/extra.conf"
            ), "\(f.found)")

        try g.write(
            "/etc/ssh/sshd_config",
            "Match Group admins\n    ClientAliveInterval 60\nMatch ALL\nClientAliveInterval 120\n")
        let global = try g.finding("sshd")
        #expect(global.status == .pass, "\(global.found)")
        #expect(global.found == "ssh.service enabled; ClientAliveInterval 120 (/etc/ssh/sshd_config:4)")
    }

    @Test func malformedValueWarnsThatSshdWillNotStart() throws {
        let g = try Self.debianServer()
        try g.write("/etc/ssh/sshd_config.d/50-bad.conf", "ClientAliveInterval 3x\n")
        let f = try g.finding("sshd")
        #expect(f.status == .warn)
        #expect(
            f.found
                == "ClientAliveInterval 3x (/etc/ssh/sshd_config.d/50-bad.conf:1) is not a time value (sshd refuses to start); ssh.service enabled"
        )
    }

    @Test func unreadableIncludeSkips() throws {
        let g = try Self.debianServer()
        try g.write("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d\nClientAliveInterval 120\n")
        try g.mkdir("/etc/ssh/sshd_config.d")
        let f = try g.finding("sshd")
        #expect(f.status == .skip, "\(f.found)")
        #expect(f.summary.contains("/etc/ssh/sshd_config.d is a directory"), "\(f.summary)")
    }

    @Test func notInstalledWarns() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1")])
        let f = try g.finding("sshd")
        #expect(f.status == .warn)
        #expect(f.found == "not installed")
        #expect(f.summary.contains("no openssh-server package and no /usr/sbin/sshd"), "\(f.summary)")
    }

    @Test func timeValuesParseAsSshdDoes() {
        #expect(SSHDInspector.seconds("90") == 90)
        #expect(SSHDInspector.seconds("3M") == 180)
        #expect(SSHDInspector.seconds("1h30m") == 5400)
        #expect(SSHDInspector.seconds("1m30") == 90)
        #expect(SSHDInspector.seconds("0") == 0)
        for bad in ["", "m", "3x", "1.5m", "-30", "99999999999", "3000000w"] {
            #expect(SSHDInspector.seconds(bad) == nil, "\(bad)")
        }
    }
}
