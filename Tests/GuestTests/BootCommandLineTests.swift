import FileSystems
import Foundation
import Guest
import Testing

/// The default entry's kernel command line, from each place a bootloader keeps it.
@Suite struct BootCommandLineTests {
    static func facts(_ files: [String: String]) throws -> GuestFacts {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cmdline-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in files.merging(
            [
                "/boot/vmlinuz-6.1.0-1": "k", "/lib/modules/6.1.0-1/modules.order": "", "/boot/vmlinuz-5.14.0-2": "k",
                "/lib/modules/5.14.0-2/modules.order": "",
            ], uniquingKeysWith: { a, _ in a })
        {
            try FileManager.default.createDirectory(
                atPath: (root + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + path))
        }
        return GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
    }

    /// The command line as blank-separated words (`BootFacts.commandLine` keeps the text as written).
    static func words(_ f: GuestFacts) -> [String]? {
        f.boot.commandLine?.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    @Test func grubMenuEntryInASubmenu() throws {
        let f = try Self.facts([
            "/boot/grub/grub.cfg": """
            set default="1>1"
            menuentry 'First' { linux /boot/vmlinuz-6.1.0-1 root=/dev/sda1 quiet
            }
            submenu 'Advanced' {
              menuentry 'A' {
                linux /boot/vmlinuz-6.1.0-1 ro single
              }
              menuentry 'B' {
                linux /boot/vmlinuz-5.14.0-2 root=UUID=x ro "console=tty1" console=ttyS0,115200
              }
            }
            """
        ])
        #expect(f.boot.defaultRelease == "5.14.0-2", "\(f.boot)")
        #expect(Self.words(f) == ["root=UUID=x", "ro", "console=tty1", "console=ttyS0,115200"])
        #expect(
            f.boot.commandLineSource?.value.hasPrefix("/boot/grub/grub.cfg:") == true,
            "\(String(describing: f.boot.commandLineSource))")
    }

    @Test func blsEntryWithKerneloptsFromGrubenv() throws {
        let f = try Self.facts([
            "/boot/grub2/grub.cfg": "set default=\"${saved_entry}\"\nblscfg\n",
            "/boot/grub2/grubenv":
                "# GRUB Environment Block\nsaved_entry=abc-5.14.0-2\nkernelopts=root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet\n",
            "/boot/loader/entries/abc-5.14.0-2.conf":
                "title RHEL\nversion 5.14.0-2\nlinux /vmlinuz-5.14.0-2\noptions $kernelopts console=ttyS0\n",
            "/boot/loader/entries/abc-6.1.0-1.conf": "title Newer\nlinux /vmlinuz-6.1.0-1\noptions root=/dev/sda1\n",
        ])
        #expect(f.boot.defaultRelease == "5.14.0-2", "\(f.boot)")
        #expect(
            Self.words(f) == ["root=/dev/mapper/rhel-root", "ro", "crashkernel=auto", "rhgb", "quiet", "console=ttyS0"])
        #expect(f.boot.commandLineSource == .path("/boot/loader/entries/abc-5.14.0-2.conf"))
    }

    @Test func defaultGrubWhenThereIsNoGrubCfg() throws {
        let f = try Self.facts([
            "/etc/default/grub":
                "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"console=ttyS0 earlyprintk=ttyS0\"\n"
        ])
        #expect(f.boot.defaultRelease == "6.1.0-1")
        #expect(Self.words(f) == ["console=ttyS0", "earlyprintk=ttyS0", "quiet", "splash"])
        #expect(f.boot.commandLineSource == .path("/etc/default/grub"))
    }

    @Test func noBootloaderNoCommandLine() throws {
        let f = try Self.facts([:])
        #expect(f.boot.commandLine == nil)
    }
}
