import FileSystems
import Foundation
import Testing

@testable import Guest

/// sysctl.d and NetworkManager.conf merging, and the legacy udev rule, on scratch guest trees.
@Suite struct NetworkConfigInspectorTests {
    func facts(_ files: [String: String]) throws -> GuestFacts {
        let root = try Trees.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in files { try Trees.write(root, path, text) }
        return GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root), source: "scratch"))
    }

    @Test func sysctlFollowsSysctlDOrderShadowingAndGlobs() throws {
        let f = try facts([
            "/usr/lib/sysctl.d/50-default.conf":
                "net.ipv4.conf.default.rp_filter = 2\n-net.ipv4.conf.all.rp_filter = 2\n",
            // Same name in /etc shadows the vendor file: its lines never apply.
            "/usr/lib/sysctl.d/60-shadowed.conf": "net.ipv4.conf.all.rp_filter = 0\n",
            "/etc/sysctl.d/60-shadowed.conf": "# nothing\n; nothing either\n",
            "/etc/sysctl.d/70-strict.conf": "net/ipv4/conf/all/rp_filter=1\nnot an assignment\n",
            "/etc/sysctl.conf": "net.ipv4.conf.*.rp_filter = 1\n",
            "/etc/sysctl.d/ignored.txt": "net.ipv4.conf.default.rp_filter = 0\n",
        ])
        let s = f.sysctl
        #expect(
            s.files.map(\.value) == [
                "/usr/lib/sysctl.d/50-default.conf", "/etc/sysctl.d/60-shadowed.conf", "/etc/sysctl.d/70-strict.conf",
                "/etc/sysctl.conf",
            ])
        #expect(
            s.assignments.map(\.key) == [
                "net.ipv4.conf.default.rp_filter", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.all.rp_filter",
                "net.ipv4.conf.*.rp_filter",
            ])
        #expect(s.effective("net.ipv4.conf.all.rp_filter")?.location == "/etc/sysctl.conf:1")
        #expect(s.effective("net.ipv4.conf.default.rp_filter")?.value == "1")
        #expect(s.effective("net.ipv4.ip_forward") == nil)
        #expect(
            SysctlAssignment.normalizedKey("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter")
        #expect(
            SysctlAssignment.normalizedKey("net.ipv4.conf.eth0/100.rp_filter") == "net.ipv4.conf.eth0/100.rp_filter")
    }

    @Test func networkManagerConfigMergesInItsOrderAndFindsManagedOverrides() throws {
        let f = try facts([
            // Read first; overridden by the main file below.
            "/usr/lib/NetworkManager/conf.d/10-vendor.conf": "[device-all]\nmanaged=1\n",
            "/etc/NetworkManager/NetworkManager.conf": "[main]\nplugins=keyfile\n[device-all]\nmanaged=0\n",
            "/etc/NetworkManager/conf.d/50-mlx.conf": "[device-mlx]\nmatch-device=driver:mlx5_core\nmanaged=true\n",
            "/etc/NetworkManager/conf.d/60-eth.conf": "[device-eth]\nmatch-device=interface-name:eth0\nmanaged=1\n",
            "/etc/NetworkManager/conf.d/70-except.conf":
                "[device-except]\nmatch-device=*,except:driver:mana,except:driver:mlx4_core,except:driver:mlx5_core\nmanaged=1\n",
            // Excluding MANA alone still leaves the Mellanox VFs managed.
            "/etc/NetworkManager/conf.d/80-partial.conf":
                "[device-partial]\nmatch-device=type:ethernet;except:driver:mana\nmanaged=yes\n",
        ])
        let c = f.network.networkManagerConfig
        #expect(
            c.files.map(\.value) == [
                "/usr/lib/NetworkManager/conf.d/10-vendor.conf", "/etc/NetworkManager/NetworkManager.conf",
                "/etc/NetworkManager/conf.d/50-mlx.conf", "/etc/NetworkManager/conf.d/60-eth.conf",
                "/etc/NetworkManager/conf.d/70-except.conf", "/etc/NetworkManager/conf.d/80-partial.conf",
            ])
        #expect(
            c.managedOverrides == [
                NetworkManagerManagedOverride(
                    path: .path("/etc/NetworkManager/conf.d/50-mlx.conf"), section: "device-mlx",
                    setting: "managed=true",
                    matchDevice: "driver:mlx5_core"),
                NetworkManagerManagedOverride(
                    path: .path("/etc/NetworkManager/conf.d/80-partial.conf"), section: "device-partial",
                    setting: "managed=yes",
                    matchDevice: "type:ethernet;except:driver:mana"),
            ])
    }

    @Test func etcSnippetShadowsTheVendorOne() throws {
        let f = try facts([
            "/usr/lib/NetworkManager/conf.d/90-managed.conf": "[device]\nmanaged=1\n",
            "/etc/NetworkManager/conf.d/90-managed.conf": "",
        ])
        #expect(f.network.networkManagerConfig.files.map(\.value) == ["/etc/NetworkManager/conf.d/90-managed.conf"])
        #expect(f.network.networkManagerConfig.managedOverrides.isEmpty)
        let g = try facts(["/usr/lib/NetworkManager/conf.d/90-managed.conf": "[device]\nmanaged=1\n"])
        #expect(g.network.networkManagerConfig.managedOverrides.map(\.section) == ["device"])
    }

    @Test func legacyNetworkManagerUdevRuleIsFound() throws {
        let line = #"SUBSYSTEM=="net", DRIVERS=="hv_pci", ACTION!="remove", ENV{NM_UNMANAGED}="1""#
        let f = try facts(["/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules": line + "\n"])
        #expect(
            f.udevRule.legacyNetworkManagerRules.map(\.value) == ["/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules"]
        )
        #expect(f.udevRule.files.isEmpty)
        let empty = try facts(["/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules": "# masked\n"])
        #expect(empty.udevRule.legacyNetworkManagerRules.isEmpty)
    }

    @Test func interestCoversTheNewFiles() {
        for path in [
            "/etc/sysctl.d/99-x.conf", "/usr/lib/sysctl.d/50-default.conf", "/etc/sysctl.conf",
            "/etc/NetworkManager/NetworkManager.conf", "/usr/lib/NetworkManager/conf.d/10-x.conf",
            "/lib/udev/rules.d/68-azure-sriov-nm-unmanaged.rules",
        ] {
            #expect(GuestInspector.interest.matches(path), "\(path)")
        }
    }
}
