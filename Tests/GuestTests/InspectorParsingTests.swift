import FileSystems
import Testing

@testable import Guest

@Suite struct InspectorParsingTests {
    @Test func interestGlobsMatchWithinAndAcrossComponents() {
        let i = GuestInterest(["/etc/netplan/*.yaml", "/lib/modules/*/**", "/boot/vmlinuz-*"])
        #expect(i.matches("/etc/netplan/50-cloud-init.yaml"))
        #expect(!i.matches("/etc/netplan/sub/50.yaml"))
        #expect(i.matches("/lib/modules/6.1.0/kernel/drivers/hv/hv_vmbus.ko"))
        #expect(i.matches("/lib/modules/6.1.0"))
        #expect(i.matches("/boot/vmlinuz-6.1.0-28-cloud-amd64"))
        #expect(!i.matches("/boot/config-6.1.0"))
        #expect(GuestInspector.interest.matches("/var/lib/dpkg/status"))
        #expect(GuestInspector.interest.matches("/etc/udev/rules.d/10-azure-unmanaged-sriov.rules"))
        #expect(GuestInspector.interest.matches("/usr/lib/python3/dist-packages/cloudinit/version.py"))
    }

    /// One glob decides both what an inspector declares (coverage) and what a tarball keeps:
    /// `[…]` is a class in both (GuestInterest read it as a literal, PathInterest as a class).
    @Test func guestInterestAndPathInterestAgreeOnBrackets() {
        let patterns = ["/etc/[ab].conf", "/etc/ifcfg-eth[!0]", "/lib/[", "/x/**/[0-9]*.rules"]
        let guest = GuestInterest(patterns)
        let tarball = PathInterest(patterns)
        for p in [
            "/etc/a.conf", "/etc/[ab].conf", "/etc/c.conf", "/etc/ifcfg-eth0", "/etc/ifcfg-eth1", "/lib/[",
            "/x/y/70-net.rules", "/x/net.rules",
        ] {
            #expect(guest.matches(p) == tarball.matches(p), "\(p)")
        }
        #expect(guest.matches("/etc/a.conf"))
        #expect(!guest.matches("/etc/[ab].conf"))
        #expect(guest.matches("/lib/["))  // an unterminated bracket is literal
        #expect(GuestInterest.glob("eth[0-9]", "eth1"))
        #expect(!GuestInterest.glob("eth[!0-9]", "eth1"))
    }

    @Test func dhclientArgumentsGiveInterfaces() {
        #expect(
            DhclientCommand.calls(in: "/sbin/dhclient -v -pf /run/x.pid eth1 eth2", instance: nil, variables: [:]) == [
                ["eth1", "eth2"]
            ])
        #expect(DhclientCommand.calls(in: "dhclient -nw || true", instance: nil, variables: [:]) == [[]])
        #expect(DhclientCommand.calls(in: "dhclient -r eth0", instance: nil, variables: [:]).isEmpty)
        #expect(DhclientCommand.calls(in: "-/sbin/dhclient -d %i", instance: "eth3", variables: [:]) == [["eth3"]])
        #expect(
            DhclientCommand.calls(in: "dhclient $IFACE; dhclient eth9", instance: nil, variables: ["IFACE": "eth0"])
                == [["eth0"], ["eth9"]])
        #expect(DhclientCommand.calls(in: "ip link set eth0 up", instance: nil, variables: [:]).isEmpty)
    }

    @Test func grubMenuResolvesIndexesTitlesAndIds() {
        let menu = GrubMenu(
            """
            set default="${saved_entry}"
            menuentry 'A' --id a-id {
              linux /vmlinuz-1
            }
            submenu 'Advanced' $menuentry_id_option 'adv' {
              menuentry 'B' $menuentry_id_option 'b-id' {
                linux /boot/vmlinuz-2 ro
              }
            }
            """)
        #expect(menu.items.count == 2)
        #expect(menu.defaultValue == "${saved_entry}")
        #expect(menu.entry(for: "0")?.linux == "/vmlinuz-1")
        #expect(menu.entry(for: "a-id")?.title == "A")
        #expect(menu.entry(for: "1>0")?.linux == "/boot/vmlinuz-2")
        #expect(menu.entry(for: "adv>b-id")?.title == "B")
        #expect(menu.entry(for: "Advanced>B")?.title == "B")
        #expect(menu.entry(for: "1") == nil)  // a submenu is not an entry
        #expect(menu.entry(for: "7") == nil)
    }

    @Test func udevTokensKeepKeysOperatorsAndValues() {
        let t = UdevRuleToken.parse(
            #"SUBSYSTEM=="net", ACTION!="remove", ATTR{flags}=="0x?[89ABCDEF]??", ENV{NM_UNMANAGED}="1""#)
        #expect(t.map(\.key) == ["SUBSYSTEM", "ACTION", "ATTR{flags}", "ENV{NM_UNMANAGED}"])
        #expect(t.map(\.op) == ["==", "!=", "==", "="])
        #expect(t[2].value == "0x?[89ABCDEF]??")
    }

    @Test func versionStringsInBinaries() {
        #expect(AzureVMUtilsInspector.isVersion("0.6.0"))
        #expect(AzureVMUtilsInspector.isVersion("v0.6.0-2-g1a2b3c4"))
        #expect(AzureVMUtilsInspector.isVersion("0.7.0-1.azl3"))
        #expect(!AzureVMUtilsInspector.isVersion("GLIBC_2.2.5"))
        #expect(!AzureVMUtilsInspector.isVersion("1.2"))
        #expect(!AzureVMUtilsInspector.isVersion("GCC: (GNU) 11.4.1 20231218"))
        let bytes = Array("x\0GLIBC_2.2.5\0v0.6.1\0".utf8)
        #expect(AzureVMUtilsInspector.versionString(in: bytes) == "0.6.1")
    }

    @Test func osReleaseQuotesAndEscapes() {
        let os = OSReleaseInspector.parse(
            "ID='sles'\nVERSION_ID=\"15.4\"\nPRETTY_NAME=\"SUSE \\\"Linux\\\"\"\nID_LIKE=\"suse opensuse\"\n# c\n")
        #expect(os.id == "sles")
        #expect(os.versionID == "15.4")
        #expect(os.prettyName == "SUSE \"Linux\"")
        #expect(os.idLike == ["suse", "opensuse"])
    }

    @Test func networkdFilesThatCannotMatchAnAzureNIC() {
        func names(_ match: [String]) -> [String] {
            NetworkManagersInspector.azureInterfaceNames(
                NetworkdFileFacts(name: "x.network", path: .path("/x"), match: match, unmanaged: false))
        }
        #expect(names([]) == ["*"])
        #expect(names(["Name=eth0"]) == ["eth0"])
        #expect(names(["Name=en*"]) == ["en*"])
        #expect(names(["Name=lo"]).isEmpty)
        #expect(names(["Name=ve-*", "Driver=veth"]).isEmpty)
        #expect(names(["Virtualization=container", "Name=host0"]).isEmpty)
        #expect(names(["Kind=sit"]).isEmpty)
        #expect(names(["Driver=hv_netvsc"]) == ["*"])
        #expect(names(["MACAddress=00:0d:3a:00:00:01"]) == ["*"])
    }
}
