import Foundation
import Guest
import Testing

/// `sudoers` on guest folders built here, with SUSE's shipped lines and Debian's includedir.
@Suite struct SudoersRequirementTests {
    @Test func suseDefaultsFailNamingFileAndLine() throws {
        let g = try GuestFolder()
        try g.write(
            "/etc/sudoers",
            """
            ## sudoers file.
            Defaults always_set_home
            Defaults targetpw   # ask for the password of the target user i.e. root
            ALL   ALL=(ALL) ALL   # WARNING! Only use this together with 'Defaults targetpw'!
            root ALL=(ALL:ALL) ALL
            @includedir /etc/sudoers.d

            """)
        let f = try g.finding("sudoers")
        #expect(f.status == .fail)
        #expect(f.found == "/etc/sudoers:3: Defaults targetpw; /etc/sudoers:4: ALL ALL=(ALL) ALL")
        #expect(
            f.remediation
                == "Delete or comment out line 3 of /etc/sudoers (Defaults targetpw), line 4 of /etc/sudoers (ALL ALL=(ALL) ALL)."
        )
    }

    @Test func commentedAndClearedLinesPassAndIncludesAreFollowed() throws {
        let g = try GuestFolder()
        try g.write(
            "/etc/sudoers",
            """
            Defaults env_reset, !targetpw
            #Defaults targetpw
            # ALL ALL=(ALL) ALL
            %sudo ALL=(ALL:ALL) ALL
            #includedir /etc/sudoers.d

            """)
        try g.write("/etc/sudoers.d/90-cloud-init-users", "azureuser ALL=(ALL) NOPASSWD:ALL\n")
        try g.write("/etc/sudoers.d/README", "Defaults targetpw\n")
        try g.write("/etc/sudoers.d/old.bak", "ALL ALL=(ALL) ALL\n")
        let facts = try g.facts()
        #expect(
            facts.sudoers.files == [
                .path("/etc/sudoers"), .path("/etc/sudoers.d/90-cloud-init-users"), .path("/etc/sudoers.d/README"),
            ])
        let f = try GuestFolder.finding("sudoers", facts)
        #expect(f.status == .fail, "README has no dot: sudo reads it")
        #expect(f.found == "/etc/sudoers.d/README:1: Defaults targetpw")

        try FileManager.default.removeItem(atPath: g.root + "/etc/sudoers.d/README")
        let clean = try g.finding("sudoers")
        #expect(clean.status == .pass, "\(clean.found)")
    }

    @Test func continuationAndRunasGroupFormsAreCaught() throws {
        let g = try GuestFolder()
        try g.write("/etc/sudoers", "Defaults:admins \\\n  targetpw\nALL ALL = (ALL:ALL) NOPASSWD: ALL\n")
        let f = try g.finding("sudoers")
        #expect(f.status == .fail)
        #expect(
            f.found == "/etc/sudoers:1: Defaults:admins targetpw; /etc/sudoers:3: ALL ALL = (ALL:ALL) NOPASSWD: ALL")
    }

    @Test func noSudoPasses() throws {
        let g = try GuestFolder()
        let f = try g.finding("sudoers")
        #expect(f.status == .pass)
        #expect(f.found == "no /etc/sudoers")
    }
}
