import Foundation
import Guest
import Testing

/// `hyperv-daemons` on guest folders built here: a package, a bare program, neither.
@Suite struct HyperVDaemonsRequirementTests {
    @Test func packagePasses() throws {
        let g = try GuestFolder()
        try g.dpkg([("hyperv-daemons", "6.1.119-1"), ("openssh-server", "1:9.2p1-2+deb12u3")])
        let facts = try g.facts()
        #expect(facts.hypervDaemons.packages.map(\.name) == ["hyperv-daemons"])
        let f = try GuestFolder.finding("hyperv-daemons", facts)
        #expect(f.status == .pass)
        #expect(f.found == "hyperv-daemons 6.1.119-1")
    }

    @Test func programCountsOnceThroughMergedUsr() throws {
        let g = try GuestFolder()
        try g.write("/usr/sbin/hv_kvp_daemon", "#!/bin/sh\n")
        try g.link("/usr/bin", to: "sbin")
        let facts = try g.facts()
        #expect(facts.hypervDaemons.binaries == [.path("/usr/sbin/hv_kvp_daemon")])
        let f = try GuestFolder.finding("hyperv-daemons", facts)
        #expect(f.status == .pass, "no package database, but the program is there")
        #expect(f.found == "/usr/sbin/hv_kvp_daemon")
    }

    @Test func absentWarnsWithTheDistributionsPackage() throws {
        let g = try GuestFolder()
        try g.dpkg([("cloud-init", "22.4.2-1")])
        let debian = try g.finding("hyperv-daemons")
        #expect(debian.status == .warn)
        #expect(debian.found == "not installed")
        #expect(debian.remediation == "Install hyperv-daemons.")

        try g.write("/etc/os-release", "ID=\"sles\"\nVERSION_ID=\"15.6\"\n")
        #expect(try g.finding("hyperv-daemons").remediation == "Install hyperv-tools.")
        try g.write("/etc/os-release", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n")
        let ubuntu = try g.finding("hyperv-daemons")
        #expect(
            ubuntu.remediation
                == "Install linux-cloud-tools-common and the kernel's linux-cloud-tools package (linux-azure brings both)."
        )
    }
}
