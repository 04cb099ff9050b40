import Foundation
import Guest
import ImageGate
import TestSupport
import Testing

/// The "Boot" checks of profile `azure-image` (and `first-mib-free`, `boot-mode` on disks laid out
/// otherwise): on the Debian 12 cloud disk, on the small disks of fixture azure-disk-layouts, and on
/// guest folders built here, which `check` reads as a guest.
@Suite struct AzureImageBootTests {
    static let release = "6.1.0-50-cloud-amd64"

    static func findings(_ path: String) -> [String: Finding] {
        let r = ImageGate.check(path, options: CheckOptions(profile: .azureImage)).report
        #expect(r.error == nil, "\(path): \(String(describing: r.error))")
        return Dictionary((r.requirements ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func fixture(_ name: String) throws -> [String: Finding] { findings(try Fixtures.path(name)) }

    /// A guest folder with one kernel and the given files; removed by the caller.
    static func guest(_ files: [String: String], initrd: String? = nil, binaries: [String: Data] = [:]) throws
        -> String
    {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("azure-boot-\(UUID())").path
        func write(_ path: String, _ data: Data) throws {
            try FileManager.default.createDirectory(
                atPath: ((root + path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: root + path))
        }
        try write("/etc/os-release", Data("ID=debian\nVERSION_ID=\"12\"\n".utf8))
        try write("/lib/modules/\(release)/modules.order", Data())
        try write("/boot/vmlinuz-\(release)", Data(repeating: 0, count: 1024))
        if let initrd {
            try write(
                "/boot/initrd.img-\(release)", try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path(initrd))))
        }
        for (path, text) in files { try write(path, Data(text.utf8)) }
        for (path, data) in binaries { try write(path, data) }
        return root
    }

    static func withGuest(
        _ files: [String: String], initrd: String? = nil, binaries: [String: Data] = [:],
        _ body: ([String: Finding]) throws -> Void
    ) throws {
        let root = try guest(files, initrd: initrd, binaries: binaries)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(findings(root))
    }

    @Test func theDebianCloudDiskBoots() throws {
        let f = try Self.fixture("debian12-disk/disk-fixed.vhd")
        for id in [
            "initrd-hyperv", "initrd-nvme", "kernel-cmdline-console", "kernel-cmdline-avoid", "kernel-modules-enabled",
            "fstab-persistent",
        ] {
            #expect(f[id]?.status == .pass, "\(id): \(f[id]?.summary ?? "missing")")
        }
        #expect(f["initrd-hyperv"]?.found == "\(Self.release): hv_vmbus inside, hv_storvsc inside, hv_netvsc inside")
        // The cloud kernel builds NVMe in (CONFIG_BLK_DEV_NVME=y, modules.builtin).
        #expect(f["initrd-nvme"]?.found == "\(Self.release): nvme built in, nvme_core built in")
        #expect(f["kernel-cmdline-console"]?.evidence.first == "/boot/grub/grub.cfg:5")
        // The architecture is that of the real amd64 systemd /sbin/init leads to.
        #expect(
            f["kernel-cmdline-console"]?.summary
                == "The default entry logs to the serial console on x86_64 (console=ttyS0).")
        #expect(f["kernel-cmdline-console"]?.evidence.suffix(2) == ["/sbin/init", "ELF e_machine 62 at byte 0x12"])
        // debian12-tree's fstab keeps a swap file.
        let swap = try #require(f["no-swap-osdisk"])
        #expect(swap.status == .fail)
        #expect(swap.found == "/etc/fstab line 5: /swapfile swap")
        #expect(
            swap.remediation?.hasPrefix(
                "Remove line 5 of /etc/fstab (/swapfile) and delete /swapfile; then configure swap on the resource disk"
            ) == true)
    }

    @Test func aGPTDiskAtSector34WithASwapPartitionAndKernelNames() throws {
        let f = try Self.fixture("azure-disk-layouts/gpt-sector34-swap.raw")
        #expect(f["first-mib-free"]?.status == .warn)
        #expect(f["first-mib-free"]?.found == "partition 1 starts at sector 34 (byte 17408)")
        #expect(f["boot-mode"]?.status == .warn)
        #expect(f["boot-mode"]?.found == "no MBR boot code, no BIOS boot partition; no EFI system partition")
        let swap = try #require(f["no-swap-osdisk"])
        #expect(swap.status == .fail)
        #expect(swap.found.hasPrefix("partition 2 is swap (type 0657fd6d-a4ab-43c4-84e5-0933c84b4f4f, swap)"))
        #expect(swap.found.hasSuffix("/etc/fstab line 2: /dev/sda2 swap"))
        #expect(swap.remediation?.hasPrefix("Delete partition 2 (sgdisk -d 2") == true)
        let fstab = try #require(f["fstab-persistent"])
        #expect(fstab.status == .fail)
        #expect(fstab.found == "line 1: /dev/sda1 /; line 2: /dev/sda2 none")
        #expect(fstab.evidence == ["/etc/fstab:1", "/etc/fstab:2"])
        #expect(f["kernel-cmdline-avoid"]?.status == .warn)
        #expect(f["kernel-cmdline-console"]?.status == .fail)
    }

    @Test func aSwapLogicalVolumeThatFstabDoesNotName() throws {
        // LVM2 by the real tools: VG azvg with an ext4 root LV and an LV that mkswap formatted.
        let f = try Self.fixture("azure-disk-layouts/gpt-lvm-swap.raw")
        let swap = try #require(f["no-swap-osdisk"])
        #expect(swap.status == .fail)
        #expect(swap.found == "lv azvg/swap is swap")
        #expect(swap.evidence == ["lv azvg/swap, 8388608 bytes, swap"])
        #expect(swap.remediation?.hasPrefix("Delete LV azvg/swap (lvremove azvg/swap); then configure swap") == true)
        #expect(f["fstab-persistent"]?.status == .pass)
        // LVs without swap (an XFS root and /usr) pass.
        let noSwap = try #require(try Self.fixture("debian12-lvm-xfs/disk.vhd")["no-swap-osdisk"])
        #expect(noSwap.status == .pass, "\(noSwap.summary)")
        #expect(noSwap.found == "no swap partition or LV; no swap in /etc/fstab")
    }

    @Test func anMBRDiskWithBIOSBootCode() throws {
        let f = try Self.fixture("azure-disk-layouts/mbr-bios.raw")
        #expect(f["boot-mode"]?.status == .pass)
        #expect(f["boot-mode"]?.found == "Gen1 (BIOS: boot code in sector 0)")
        #expect(f["first-mib-free"]?.status == .skip)
        #expect(f["no-swap-osdisk"]?.status == .pass)
        #expect(f["fstab-persistent"]?.status == .pass)
        // Its root holds no package database and no agent.
        #expect(f["provisioning-agent"]?.status == .fail)
        #expect(f["provisioning-agent"]?.found == "neither installed")
    }

    @Test func theRHELDisksDracutInitramfsLacksTheHyperVAndNVMeDrivers() throws {
        // Fixture rpm-rhel9-vhd: a real dracut initramfs of the RHEL 9 kernel, built without them.
        let f = try Self.fixture("rpm-rhel9-vhd/oldci.vhd")
        let release = "5.14.0-427.el9.x86_64"
        let h = try #require(f["initrd-hyperv"])
        #expect(h.status == .fail)
        #expect(h.found == "\(release): hv_vmbus missing, hv_storvsc missing, hv_netvsc missing")
        #expect(h.remediation?.hasPrefix("Add add_drivers+=\" hv_vmbus hv_storvsc hv_netvsc \"") == true)
        #expect(h.remediation?.hasSuffix("dracut -f --kver \(release).") == true)
        #expect(f["initrd-nvme"]?.status == .warn)
        #expect(f["initrd-nvme"]?.found == "\(release): nvme missing, nvme_core missing")
    }

    @Test func anInitramfsWithoutTheHyperVDrivers() throws {
        // A real zstd initramfs without any kernel module; NVMe built in through modules.builtin.
        try Self.withGuest(
            [
                "/lib/modules/\(Self.release)/modules.builtin":
                    "kernel/drivers/nvme/host/nvme-core.ko\nkernel/drivers/nvme/host/nvme.ko\n"
            ],
            initrd: "inspect-initramfs/initrd-zstd-norule"
        ) { f in
            let h = try #require(f["initrd-hyperv"])
            #expect(h.status == .fail)
            #expect(h.found == "\(Self.release): hv_vmbus missing, hv_storvsc missing, hv_netvsc missing")
            #expect(
                h.remediation
                    == "Add hv_vmbus, hv_storvsc, hv_netvsc to /etc/initramfs-tools/modules (one a line), then update-initramfs -u -k \(Self.release)."
            )
            #expect(f["initrd-nvme"]?.status == .pass)
            #expect(f["initrd-nvme"]?.found == "\(Self.release): nvme built in, nvme_core built in")
        }
        try Self.withGuest([:], initrd: "inspect-initramfs/initrd-zstd-norule") { f in
            #expect(f["initrd-nvme"]?.status == .warn)
        }
        try Self.withGuest([:]) { f in
            #expect(f["initrd-hyperv"]?.status == .fail)
            #expect(f["initrd-hyperv"]?.found == "\(Self.release): no initramfs")
        }
    }

    @Test func aBLSEntryWithKerneloptsFromGrubenv() throws {
        try Self.withGuest([
            "/boot/grub2/grub.cfg": "set default=\"${saved_entry}\"\nblscfg\n",
            "/boot/grub2/grubenv":
                "saved_entry=abc-\(Self.release)\nkernelopts=root=UUID=1 ro console=ttyS0,115200n8 rhgb quiet\n",
            "/boot/loader/entries/abc-\(Self.release).conf":
                "title RHEL\nlinux /vmlinuz-\(Self.release)\noptions $kernelopts\n",
        ]) { f in
            #expect(f["kernel-cmdline-console"]?.status == .pass)
            #expect(f["kernel-cmdline-console"]?.evidence.first == "/boot/loader/entries/abc-\(Self.release).conf")
            let avoid = try #require(f["kernel-cmdline-avoid"])
            #expect(avoid.status == .warn)
            #expect(avoid.found == "rhgb quiet (recommended, absent: rootdelay=300 earlyprintk=ttyS0)")
            #expect(
                avoid.remediation
                    == "grubby --update-kernel=ALL --args=\"rootdelay=300 earlyprintk=ttyS0\" --remove-args=\"rhgb quiet\" (and the same in /etc/kernel/cmdline)."
            )
        }
    }

    @Test func etcDefaultGrubIsTheFallback() throws {
        try Self.withGuest([
            "/etc/default/grub": "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"console=tty1\"\n"
        ]) { f in
            let c = try #require(f["kernel-cmdline-console"])
            #expect(c.status == .fail)
            #expect(c.found == "console=tty1")
            #expect(
                c.evidence == [
                    "/etc/default/grub",
                    "architecture unknown (none of /sbin/init, /etc/init, /bin/init, /bin/sh, /usr/lib/systemd/systemd, /lib/systemd/systemd exists): ttyS0 or ttyAMA0 accepted",
                ])
            #expect(c.remediation?.hasPrefix("In /etc/default/grub GRUB_CMDLINE_LINUX") == true)
        }
        try Self.withGuest(["/etc/kernel/cmdline": "root=UUID=1 console=ttyS0 earlyprintk=ttyS0 rootdelay=300\n"]) {
            f in
            #expect(f["kernel-cmdline-console"]?.status == .pass)
            #expect(f["kernel-cmdline-avoid"]?.status == .pass)
            #expect(f["kernel-cmdline-avoid"]?.found == "none of them")
        }
    }

    /// The first 64 bytes of a little-endian ELF64 executable for `machine` (`e_machine`).
    static func elfHeader(machine: UInt16) -> Data {
        var b = [UInt8](repeating: 0, count: 64)
        b[0...7] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]  // magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT
        b[0x10] = 2  // e_type ET_EXEC
        b[0x12] = UInt8(machine & 0xFF)
        b[0x13] = UInt8(machine >> 8)
        return Data(b)
    }

    static func grub(_ arguments: String) -> [String: String] {
        [
            "/boot/grub/grub.cfg":
                "set default=\"0\"\nmenuentry \"Debian\" {\n\tlinux /boot/vmlinuz-\(release) root=UUID=1 ro \(arguments)\n}\n"
        ]
    }

    @Test func theSerialConsoleOfTheGuestsArchitecture() throws {
        // A real amd64 disk whose grub.cfg names no console (fixture debian12-lvm-xfs).
        let lvm = try #require(try Self.fixture("debian12-lvm-xfs/disk.vhd")["kernel-cmdline-console"])
        #expect(lvm.status == .fail)
        #expect(lvm.found == "no console= in \"root=/dev/mapper/sysvg-root ro\"")
        #expect(lvm.summary.hasPrefix("The default entry's command line has no console=ttyS0 on x86_64"))
        #expect(lvm.evidence.suffix(2) == ["/sbin/init", "ELF e_machine 62 at byte 0x12"])
        // x86_64: Debian's real amd64 systemd as init; ttyAMA0 is not its serial console.
        let systemd = try Data(
            contentsOf: URL(fileURLWithPath: try Fixtures.path("debian12-tree/rootfs/usr/lib/systemd/systemd")))
        try Self.withGuest(Self.grub("console=tty1 console=ttyAMA0"), binaries: ["/usr/lib/systemd/systemd": systemd]) {
            f in
            let c = try #require(f["kernel-cmdline-console"])
            #expect(c.status == .fail)
            #expect(c.found == "console=tty1 console=ttyAMA0")
            #expect(c.evidence.suffix(2) == ["/usr/lib/systemd/systemd", "ELF e_machine 62 at byte 0x12"])
            #expect(c.summary.hasPrefix("The default entry's command line has no console=ttyS0 on x86_64"))
            #expect(c.remediation?.contains("add console=ttyS0,115200n8") == true)
        }
        // arm64: an aarch64 ELF header behind /sbin/init.
        let arm64 = ["/usr/lib/systemd/systemd": Self.elfHeader(machine: 183)]
        try Self.withGuest(Self.grub("console=ttyAMA0,115200"), binaries: arm64) { f in
            let c = try #require(f["kernel-cmdline-console"])
            #expect(c.status == .pass, "\(c.summary)")
            #expect(c.summary == "The default entry logs to the serial console on aarch64 (console=ttyAMA0,115200).")
            #expect(c.evidence.suffix(2) == ["/usr/lib/systemd/systemd", "ELF e_machine 183 at byte 0x12"])
        }
        try Self.withGuest(Self.grub("console=ttyS0,115200n8"), binaries: arm64) { f in
            let c = try #require(f["kernel-cmdline-console"])
            #expect(c.status == .fail)
            #expect(c.summary.hasPrefix("The default entry's command line has no console=ttyAMA0 on aarch64"))
            #expect(c.remediation?.contains("add console=ttyAMA0,115200n8") == true)
        }
        // Unknown (init is a script, not an ELF file): either console passes, and the evidence says why.
        try Self.withGuest(Self.grub("console=ttyAMA0").merging(["/sbin/init": "#!/bin/sh\n"]) { a, _ in a }) { f in
            let c = try #require(f["kernel-cmdline-console"])
            #expect(c.status == .pass)
            #expect(
                c.evidence.last
                    == "architecture unknown (/sbin/init: not an ELF file (no 0x7F 'ELF' magic)): ttyS0 or ttyAMA0 accepted"
            )
        }
    }

    @Test func modprobeBlocksOfVfatAndUdf() throws {
        try Self.withGuest([
            "/etc/modprobe.d/cis.conf": "# CIS 1.1.1\ninstall udf /bin/true\nblacklist cramfs\nblacklist vfat\n",
            "/etc/modprobe.d/other.conf": "options snd slots=1\n",
        ]) { f in
            let m = try #require(f["kernel-modules-enabled"])
            #expect(m.status == .fail)
            #expect(
                m.found
                    == "/etc/modprobe.d/cis.conf:2: install udf /bin/true; /etc/modprobe.d/cis.conf:4: blacklist vfat")
            #expect(
                m.remediation
                    == "Delete line 2 of /etc/modprobe.d/cis.conf (install udf /bin/true); line 4 of /etc/modprobe.d/cis.conf (blacklist vfat)."
            )
        }
        try Self.withGuest(["/etc/modprobe.d/cis.conf": "blacklist cramfs\ninstall usb-storage /bin/false\n"]) { f in
            #expect(f["kernel-modules-enabled"]?.status == .pass)
        }
    }

    @Test func swapInFstabOnAFolder() throws {
        try Self.withGuest(["/etc/fstab": "UUID=1 / ext4 defaults 0 1\n/dev/disk/by-label/SWAP none swap sw 0 0\n"]) {
            f in
            #expect(f["no-swap-osdisk"]?.status == .fail)
            #expect(f["no-swap-osdisk"]?.evidence == ["/etc/fstab:2"])
            #expect(f["fstab-persistent"]?.status == .pass)
        }
        try Self.withGuest([
            "/etc/fstab":
                "LABEL=root / xfs defaults 0 1\n/swap none swap noauto 0 0\n/dev/vdb1 /data ext4 defaults 0 2\n"
        ]) { f in
            #expect(f["no-swap-osdisk"]?.status == .pass)
            #expect(f["fstab-persistent"]?.status == .fail)
            #expect(f["fstab-persistent"]?.found == "line 3: /dev/vdb1 /data")
        }
        try Self.withGuest([:]) { f in
            #expect(f["fstab-persistent"]?.status == .skip)
        }
    }
}
