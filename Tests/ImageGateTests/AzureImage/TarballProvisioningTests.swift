import Foundation
import Guest
import TestSupport
import Testing

@testable import ImageGate

/// A tarball keeps only the entries some inspector declared interest in, so the provisioning
/// checks must see the same files in `tar -czf` of a guest folder as in the folder itself.
@Suite struct TarballProvisioningTests {
    @Test func everyProvisioningFindingIsTheSameFromTheTarball() throws {
        let g = try SSHDRequirementTests.debianServer()
        // Today a tarball is recognised as a root file system by /etc/fstab beside os-release.
        try g.write("/etc/fstab", "UUID=0b7d9b0e-4f3a-4c5e-9d8f-3f1f1c2a7e11 / ext4 defaults 0 1\n")
        try g.write("/etc/ssh/sshd_config.d/50-cloud-init.conf", "PasswordAuthentication no\nClientAliveInterval 120\n")
        try g.write("/etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        try g.write("/etc/sudoers", "Defaults targetpw\n@includedir /etc/sudoers.d\n")
        try g.write("/etc/sudoers.d/90-all", "ALL ALL=(ALL) ALL\n")
        try g.write("/usr/sbin/hv_kvp_daemon", "#!/bin/sh\n")
        try g.write("/etc/udev/rules.d/70-persistent-net.rules", "# generated\n")
        try g.write("/root/.bash_history", "ls\n")
        let tarball = g.root + ".tar.gz"
        defer { try? FileManager.default.removeItem(atPath: tarball) }
        let tar = try Tools.run(["tar", "--numeric-owner", "-czf", tarball, "-C", g.root, "."])
        #expect(tar.status == 0, "\(tar.stderr)")

        let folder = try g.facts()
        let archived = GuestInspector.inspect(try GuestImage.open(tarball).tree)
        #expect(archived.sshd == folder.sshd)
        #expect(archived.sshd.setting("ClientAliveInterval")?.location == "/etc/ssh/sshd_config.d/50-cloud-init.conf:2")
        #expect(archived.hypervDaemons == folder.hypervDaemons)
        #expect(archived.sudoers == folder.sudoers)
        for r in Requirement.azureImageProvisioning {
            let a = r.evaluate(CheckContext(facts: archived))
            let f = r.evaluate(CheckContext(facts: folder))
            #expect(
                a.status == f.status && a.found == f.found && a.evidence == f.evidence,
                "\(r.id): tarball \(a.status) \(a.found) vs folder \(f.status) \(f.found)")
        }
        // The tree really exercises the checks: not everything passes.
        let statuses = Requirement.azureImageProvisioning.map {
            ($0.id, $0.evaluate(CheckContext(facts: archived)).status)
        }
        for id in ["sudoers", "no-credentials", "no-persistent-net-rules", "generalized"] {
            #expect(statuses.first { $0.0 == id }?.1 == .fail, "\(id)")
        }
        #expect(statuses.first { $0.0 == "sshd" }?.1 == .pass)
        #expect(statuses.first { $0.0 == "hyperv-daemons" }?.1 == .pass)
    }
}
