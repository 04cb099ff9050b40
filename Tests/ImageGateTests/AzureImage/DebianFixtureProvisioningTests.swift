import Foundation
import Guest
import TestSupport
import Testing

/// What the provisioning half of `azure-image` says about the real debootstrap builds: a minbase
/// bookworm with cloud-init that never booted (no instance state, no history, no keys, root
/// locked with `*`), the same tree as a folder and inside the partitioned disk.
@Suite struct DebianFixtureProvisioningTests {
    static func facts(_ fixture: String) throws -> GuestFacts {
        GuestInspector.inspect(try GuestImage.open(try Fixtures.path(fixture)).tree)
    }

    @Test(arguments: ["debian12-tree/rootfs", "debian12-disk/disk.raw"])
    func neverBootedBuildIsGeneralizedAndHoldsNoCredentials(fixture: String) throws {
        let facts = try Self.facts(fixture)
        #expect(facts.leftovers.persistentNetRules.isEmpty)
        #expect(facts.leftovers.provisioningState.isEmpty)
        #expect(facts.credentials.shadow == .path("/etc/shadow"))
        #expect(facts.credentials.usablePasswords.isEmpty)
        #expect(facts.credentials.problems.isEmpty)
        #expect(facts.waagent.isAbsent)
        let agent = try GuestFolder.finding("provisioning-agent", facts)
        #expect(agent.status == .pass, "\(fixture): \(agent.found)")
        #expect(agent.found.hasPrefix("cloud-init 22.4.2-1+deb12u"), "\(agent.found)")
        #expect(try GuestFolder.finding("waagent-conf", facts).status == .skip)
        // This build has no /etc/cloud/cloud.cfg.d/90_dpkg.cfg and cloud.cfg sets no datasource_list,
        // so cloud-init's default list (with Azure) holds.
        #expect(facts.cloudInit.datasourceList == nil)
        // debootstrap --variant=minbase with cloud-init pulls in neither openssh-server nor
        // hyperv-daemons, and writes no /etc/ssh: both should-checks warn "not installed".
        #expect(facts.sshd.isAbsent)
        #expect(facts.sshd.files.isEmpty)
        #expect(facts.hypervDaemons.isAbsent)
        for id in ["sshd", "hyperv-daemons"] {
            let f = try GuestFolder.finding(id, facts)
            #expect(f.status == .warn, "\(fixture) \(id): \(f.found) — \(f.summary)")
            #expect(f.found == "not installed")
        }
        for id in [
            "no-persistent-net-rules", "generalized", "no-credentials", "cloud-init-datasource", "cloud-init-leftovers",
        ] {
            let f = try GuestFolder.finding(id, facts)
            #expect(f.status == .pass, "\(fixture) \(id): \(f.found) — \(f.summary)")
        }
    }
}
