import Foundation
import Guest
import Testing

/// `no-persistent-net-rules` and `generalized` on guest folders built here.
@Suite struct LeftoverRequirementTests {
    @Test func persistentNetRulesFailNamingEachFile() throws {
        let g = try GuestFolder()
        #expect(try g.finding("no-persistent-net-rules").status == .pass)
        try g.write(
            "/etc/udev/rules.d/70-persistent-net.rules",
            "SUBSYSTEM==\"net\", ATTR{address}==\"00:15:5d:01:02:03\", NAME=\"eth0\"\n")
        try g.write("/lib/udev/rules.d/75-persistent-net-generator.rules", "# generator\n")
        let f = try g.finding("no-persistent-net-rules")
        #expect(f.status == .fail)
        #expect(
            f.evidence == [
                "/etc/udev/rules.d/70-persistent-net.rules", "/lib/udev/rules.d/75-persistent-net-generator.rules",
            ])
        #expect(
            f.remediation
                == "Delete them before capture: rm -f /etc/udev/rules.d/70-persistent-net.rules /lib/udev/rules.d/75-persistent-net-generator.rules."
        )
    }

    @Test func otherRulesPass() throws {
        let g = try GuestFolder()
        try g.write("/etc/udev/rules.d/71-persistent-net.rules", "# not the builder's\n")
        try g.write("/etc/udev/rules.d/99-local.rules", "\n")
        // A rule linked to /dev/null is disabled (the spec's "symlink to /dev/null passes"), and
        // masks the vendor's generator of the same name.
        try g.link("/etc/udev/rules.d/75-persistent-net-generator.rules", to: "/dev/null")
        try g.write("/lib/udev/rules.d/75-persistent-net-generator.rules", "# generator\n")
        #expect(try g.finding("no-persistent-net-rules").status == .pass)
    }

    @Test func instanceStateAgentStateAndHistoryFail() throws {
        let g = try GuestFolder()
        try g.write("/var/lib/cloud/instances/i-1234/obj.pkl", "x")
        try g.link("/var/lib/cloud/instance", to: "/var/lib/cloud/instances/i-1234")
        try g.write("/var/lib/waagent/ovf-env.xml", "<Environment/>")
        try g.write("/var/log/waagent.log", "2026-12-01 Provisioning complete\n")
        try g.write("/root/.bash_history", "sudo waagent -deprovision\n")
        try g.write("/home/builder/.bash_history", "ls\n")
        try g.write("/home/clean/.bash_history", "")
        let f = try g.finding("generalized")
        #expect(f.status == .fail)
        #expect(f.found.contains("/var/lib/cloud/instance, /var/lib/cloud/instances/i-1234"))
        #expect(f.found.contains("waagent state /var/lib/waagent/ovf-env.xml, /var/log/waagent.log"))
        #expect(f.found.contains("/root/.bash_history (26 bytes)"))
        #expect(f.found.contains("/home/builder/.bash_history (3 bytes)"))
        #expect(!f.found.contains("/home/clean"))
        let fix = try #require(f.remediation)
        #expect(fix.contains("cloud-init clean"))
        #expect(fix.contains("waagent -force -deprovision+user"))
        #expect(fix.contains("truncate -s 0 /home/builder/.bash_history /root/.bash_history"))
    }

    @Test func emptyHistoriesAndEmptyAgentFolderPass() throws {
        let g = try GuestFolder()
        try g.mkdir("/var/lib/waagent")
        try g.mkdir("/var/lib/cloud/seed")
        try g.write("/root/.bash_history", "")
        try g.write("/home/azureuser/.bash_history", "")
        let f = try g.finding("generalized")
        #expect(f.status == .pass, "\(f.found)")
        #expect(f.evidence == ["/home/azureuser/.bash_history", "/root/.bash_history"])
    }

    @Test func onlyAHistoryFails() throws {
        let g = try GuestFolder()
        try g.write("/home/a/.bash_history", "history\n")
        let f = try g.finding("generalized")
        #expect(f.status == .fail)
        #expect(f.remediation == "Before capture: truncate -s 0 /home/a/.bash_history.")
    }
}
