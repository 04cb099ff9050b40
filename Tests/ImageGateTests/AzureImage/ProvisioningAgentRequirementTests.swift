import Foundation
import Guest
import Testing

@testable import ImageGate

/// `provisioning-agent` and `waagent-conf` on guest folders built here.
@Suite struct ProvisioningAgentRequirementTests {
    static func cloudInit(_ g: GuestFolder, enabled: Bool = true) throws {
        for unit in ["cloud-init-local.service", "cloud-init.service", "cloud-config.service", "cloud-final.service"] {
            if enabled {
                try g.enable(unit, wantedBy: "cloud-init.target")
            } else {
                try g.write("/usr/lib/systemd/system/" + unit, "[Unit]\n")
            }
        }
    }

    @Test func enabledCloudInitPasses() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1+deb12u4")])
        try Self.cloudInit(g)
        let f = try g.finding("provisioning-agent")
        #expect(f.status == .pass, "\(f.found)")
        #expect(f.found.hasPrefix("cloud-init 22.4.2-1+deb12u4 enabled ("))
        #expect(f.evidence.contains("/etc/systemd/system/cloud-init.target.wants/cloud-init.service"))
    }

    @Test func disabledCloudInitFailsWithTheMarker() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1")])
        try Self.cloudInit(g)
        try g.write("/etc/cloud/cloud-init.disabled", "")
        let f = try g.finding("provisioning-agent")
        #expect(f.status == .fail)
        #expect(f.found.contains("/etc/cloud/cloud-init.disabled exists"))
        #expect(f.remediation?.contains("rm /etc/cloud/cloud-init.disabled") == true)
    }

    @Test func waagentNeedsItsServiceAndAVersion() throws {
        let g = try GuestFolder()
        try g.dpkg([("walinuxagent", "2.2.40-1")])
        try g.enable("walinuxagent.service")
        let old = try g.finding("provisioning-agent")
        #expect(old.status == .fail)
        #expect(old.found == "WALinuxAgent 2.2.40-1 is older than 2.2.41")

        try g.dpkg([("walinuxagent", "2.9.1.1-1")])
        let current = try g.finding("provisioning-agent")
        #expect(current.status == .pass, "\(current.found)")
        #expect(current.found == "WALinuxAgent 2.9.1.1-1 enabled (walinuxagent.service)")

        try FileManager.default.removeItem(
            atPath: g.root + "/etc/systemd/system/multi-user.target.wants/walinuxagent.service")
        let off = try g.finding("provisioning-agent")
        #expect(off.status == .fail)
        #expect(off.remediation == "systemctl enable walinuxagent.service.")
    }

    @Test func waagentFromSourcesIsFoundByItsPythonVersion() throws {
        let g = try GuestFolder()
        try g.dpkg([("base-files", "12.4")])
        try g.write(
            "/usr/lib/python3/dist-packages/azurelinuxagent/common/version.py",
            "AGENT_NAME = \"WALinuxAgent\"\nAGENT_VERSION = '2.11.1.4'\n")
        try g.write("/usr/sbin/waagent", "#!/usr/bin/python3\n")
        try g.enable("waagent.service")
        let facts = try g.facts()
        #expect(facts.waagent.pythonVersion?.version == "2.11.1.4")
        #expect(facts.waagent.binaries == [.path("/usr/sbin/waagent")])
        #expect(try GuestFolder.finding("provisioning-agent", facts).status == .pass)
    }

    @Test func neitherAgentFails() throws {
        let g = try GuestFolder()
        try g.dpkg([("base-files", "12.4")])
        let f = try g.finding("provisioning-agent")
        #expect(f.status == .fail)
        #expect(f.found == "neither installed")
    }

    @Test func waagentConfSkipsWithOneAgent() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1")])
        #expect(try g.finding("waagent-conf").status == .skip)
    }

    @Test func waagentConfWithBothAgents() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1"), ("walinuxagent", "2.9.1.1-1")])
        let missing = try g.finding("waagent-conf")
        #expect(missing.status == .fail)
        #expect(missing.found == "no /etc/waagent.conf")

        // Debian's shipped defaults: waagent provisions and formats the resource disk.
        try g.write(
            "/etc/waagent.conf",
            "# Enable provisioning\nProvisioning.Enabled=y\nResourceDisk.Format=y # format it\nResourceDisk.EnableSwap=n\n"
        )
        let shipped = try g.finding("waagent-conf")
        #expect(shipped.status == .fail)
        #expect(shipped.found.contains("Provisioning.Agent unset, Provisioning.Enabled=y (/etc/waagent.conf:2)"))
        #expect(shipped.found.contains("ResourceDisk.Format=y (/etc/waagent.conf:3)"))
        #expect(
            shipped.remediation
                == "In /etc/waagent.conf set Provisioning.Agent=auto (a new line), ResourceDisk.Format=n (line 3).")

        try g.write(
            "/etc/waagent.conf",
            "Provisioning.Agent=waagent\nProvisioning.Agent = \"cloud-init\"\nResourceDisk.Format=n\n")
        let fixed = try g.finding("waagent-conf")
        #expect(fixed.status == .pass, "\(fixed.found)")
        #expect(fixed.found.contains("Provisioning.Agent=cloud-init (/etc/waagent.conf:2)"))
        #expect(fixed.found.contains("ResourceDisk.EnableSwap unset (n by default)"))

        try g.write(
            "/etc/waagent.conf", "Provisioning.Enabled=n\nProvisioning.UseCloudInit=y\nResourceDisk.EnableSwap=y\n")
        let swap = try g.finding("waagent-conf")
        #expect(swap.status == .fail)
        #expect(swap.found.hasPrefix("ResourceDisk.EnableSwap=y (/etc/waagent.conf:3)"))
        #expect(swap.found.contains("Provisioning.UseCloudInit=y"))
    }
}

/// `cloud-init-datasource` (one judgement with the AN profile's `cloud-init-azure`) and
/// `cloud-init-leftovers` on guest folders built here.
@Suite struct CloudInitRequirementTests {
    @Test func datasourceListDecidesBothIdsAlike() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "24.1-1")])
        try ProvisioningAgentRequirementTests.cloudInit(g)
        let unset = try g.finding("cloud-init-datasource")
        #expect(unset.status == .pass)
        #expect(unset.found == "default datasource_list")

        try g.write("/etc/cloud/cloud.cfg", "datasource_list: [ NoCloud, None ]\n")
        try g.write("/etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ NoCloud, ConfigDrive ]\n")
        let facts = try g.facts()
        let lacking = try GuestFolder.finding("cloud-init-datasource", facts)
        #expect(lacking.status == .warn)
        #expect(
            lacking.found == "datasource_list [NoCloud, ConfigDrive] lacks Azure (/etc/cloud/cloud.cfg.d/90_dpkg.cfg)")
        #expect(
            lacking.remediation
                == "In /etc/cloud/cloud.cfg.d/90_dpkg.cfg set datasource_list: [ Azure ] (it is the file whose datasource_list wins)."
        )
        let an = Requirement.catalog.first { $0.id == "cloud-init-azure" }
        let azure = try #require(an).evaluate(CheckContext(facts: facts))
        #expect(azure.status == .warn)
        #expect(azure.found == "datasource_list [NoCloud, ConfigDrive] lacks Azure")

        try g.write("/etc/cloud/cloud.cfg.d/91-azure.cfg", "datasource_list: [ Azure ]\n")
        let fixed = try g.finding("cloud-init-datasource")
        #expect(fixed.status == .pass)
        #expect(fixed.found == "datasource_list [Azure] (/etc/cloud/cloud.cfg.d/91-azure.cfg)")
    }

    @Test func datasourceSkipsWithoutCloudInit() throws {
        let g = try GuestFolder()
        try g.dpkg([("walinuxagent", "2.9.1.1-1")])
        #expect(try g.finding("cloud-init-datasource").status == .skip)
    }

    @Test func installerLeftoversWarnNamingEachFile() throws {
        let g = try GuestFolder()
        try g.write("/etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ Azure ]\n")
        #expect(try g.finding("cloud-init-leftovers").status == .pass)
        try g.write("/etc/cloud/cloud.cfg.d/50-curtin-networking.cfg", "network: {config: disabled}\n")
        try g.write("/etc/cloud/ds-identify.cfg", "policy: enabled\n")
        let f = try g.finding("cloud-init-leftovers")
        #expect(f.status == .warn)
        #expect(f.evidence == ["/etc/cloud/cloud.cfg.d/50-curtin-networking.cfg", "/etc/cloud/ds-identify.cfg"])
        #expect(
            f.remediation
                == "Delete them before capture: rm -f /etc/cloud/cloud.cfg.d/50-curtin-networking.cfg /etc/cloud/ds-identify.cfg."
        )
    }
}
