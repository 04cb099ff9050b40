import Foundation
import ImageGate
import TestSupport
import Testing

/// The provisioning and "generalized" checks of profile `azure-image` on the two ext4 guests of
/// fixture azure-guest-states: one as a builder leaves it, one made ready for capture. Each id
/// fails (or warns) on the first and passes on the second.
@Suite struct GuestStateFixtureTests {
    static func findings(_ name: String) throws -> [String: Finding] {
        let r = ImageGate.check(
            try Fixtures.path("azure-guest-states/\(name).ext4"), options: CheckOptions(profile: .azureImage)
        ).report
        #expect(r.error == nil, "\(name): \(String(describing: r.error))")
        return Dictionary((r.requirements ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Each id with what the unprepared guest gives; the prepared one passes them all.
    static let unprepared: [String: Status] = [
        "kernel-modules-enabled": .fail, "waagent-conf": .fail, "cloud-init-datasource": .warn,
        "cloud-init-leftovers": .warn, "no-persistent-net-rules": .fail, "generalized": .fail, "no-credentials": .fail,
        "sshd": .warn, "sudoers": .fail, "hyperv-daemons": .warn, "provisioning-agent": .pass,
    ]

    @Test func theUnpreparedGuestFailsAndThePreparedOnePasses() throws {
        let before = try Self.findings("unprepared")
        let after = try Self.findings("prepared")
        for (id, status) in Self.unprepared {
            #expect(before[id]?.status == status, "\(id): \(before[id]?.found ?? "missing")")
            #expect(after[id]?.status == .pass, "\(id): \(after[id]?.found ?? "missing")")
        }
        #expect(before["kernel-modules-enabled"]?.found == "/etc/modprobe.d/cis.conf:2: blacklist vfat")
        #expect(before["waagent-conf"]?.found.contains("ResourceDisk.Format=y (/etc/waagent.conf:3)") == true)
        #expect(before["cloud-init-leftovers"]?.evidence == ["/etc/cloud/cloud.cfg.d/50-curtin-networking.cfg"])
        #expect(before["no-persistent-net-rules"]?.evidence == ["/etc/udev/rules.d/70-persistent-net.rules"])
        let generalized = try #require(before["generalized"])
        #expect(generalized.evidence.contains("/var/lib/cloud/instance"))
        #expect(generalized.evidence.contains("/root/.bash_history"))
        let credentials = try #require(before["no-credentials"])
        #expect(credentials.found.contains("builder has a usable hash (/etc/shadow:2)"))
        #expect(credentials.found.contains("/home/builder/.ssh/authorized_keys lists 1 key(s)"))
        #expect(credentials.found.contains("/etc/ssh/ssh_host_ed25519_key"))
        #expect(!(credentials.found + credentials.summary).contains("$6$"))
        #expect(before["sudoers"]?.found == "/etc/sudoers.d/90-builder:1: Defaults targetpw")
        // The prepared guest disables the generator with a link to /dev/null: a masked rule passes.
        #expect(after["no-persistent-net-rules"]?.status == .pass)
        #expect(after["sshd"]?.found.contains("120") == true)
    }
}
