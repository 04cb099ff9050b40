import DiskFormats
import Foundation
import Guest
import ImageGate
import TestSupport
import Testing

/// The "Container and disk" checks of profile `azure-image` on the containers qemu-img writes
/// (fixture vhd-variants: a 48 MiB disk converted with and without force_size, fixed and
/// dynamic) and on the Debian 12 cloud disk in each container (fixture debian12-disk).
@Suite struct AzureImageContainerTests {
    static func requirement(_ id: String) -> Requirement {
        guard let r = Profile.azureImage.requirements.first(where: { $0.id == id }) else {
            fatalError("no requirement \(id)")
        }
        return r
    }

    /// The container facts of a file, without a guest (vhd-variants hold no root file system).
    static func container(_ fixture: String) throws -> ContainerFacts {
        let path = try Fixtures.path(fixture)
        return ContainerFacts(
            disk: try DiskImage.open(
                path: path, context: OpenContext(directory: (path as NSString).deletingLastPathComponent)))
    }

    static func finding(_ id: String, _ fixture: String) throws -> Finding {
        requirement(id).evaluate(CheckContext(facts: GuestFacts(), container: try container(fixture)))
    }

    /// Every finding of the profile on a whole image, as `check` gives them.
    static func report(_ fixture: String) throws -> [String: Finding] {
        let r = ImageGate.check(try Fixtures.path(fixture), options: CheckOptions(profile: .azureImage)).report
        #expect(r.error == nil, "\(fixture): \(String(describing: r.error))")
        return Dictionary((r.requirements ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func footerFactsOfAFixedVHDWithForceSize() throws {
        let c = try Self.container("vhd-variants/fixed-force.vhd")
        let v = try #require(c.vhd)
        #expect(c.format == "vhd-fixed")
        #expect(v.diskType == .fixed)
        #expect(v.creatorApplication == "qem2")
        #expect(v.currentSize == 48 << 20 && v.originalSize == 48 << 20)
        #expect(c.fileSize == (48 << 20) + 512)
        #expect(v.footerOffset == 48 << 20)
        #expect(!v.usedCopyAtStart)
    }

    @Test func withoutForceSizeTheSizeIsTheGeometrysProduct() throws {
        let v = try #require(try Self.container("vhd-variants/fixed.vhd").vhd)
        #expect(v.creatorApplication == "qemu")
        #expect(v.geometry == VHDFooterFacts.Geometry(cylinders: 964, heads: 6, sectorsPerTrack: 17))
        #expect(v.currentSize == 50_343_936 && v.geometry.bytes == v.currentSize)
        #expect(try Self.container("vhd-variants/dynamic.vhd").vhd?.diskType == .dynamic)
    }

    @Test func vhdFormat() throws {
        #expect(try Self.finding("vhd-format", "vhd-variants/fixed-force.vhd").status == .pass)
        let dynamic = try Self.finding("vhd-format", "vhd-variants/dynamic-force.vhd")
        #expect(dynamic.status == .fail)
        #expect(dynamic.found == "a dynamic VHD")
        #expect(dynamic.remediation?.contains("qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size") == true)
        let qcow2 = try Self.finding("vhd-format", "qcow2-variants/v3.qcow2")
        #expect(qcow2.status == .fail)
        #expect(qcow2.remediation?.contains("-f qcow2 -O vpc") == true)
    }

    @Test func vhdFooter() throws {
        let fixed = try Self.finding("vhd-footer", "vhd-variants/fixed-force.vhd")
        #expect(fixed.status == .pass)
        #expect(fixed.evidence.first?.contains("vhd footer at 50331648") == true)
        #expect(try Self.finding("vhd-footer", "vhd-variants/fixed.vhd").status == .pass)
        let dynamic = try Self.finding("vhd-footer", "vhd-variants/dynamic.vhd")
        #expect(dynamic.status == .fail)
        #expect(dynamic.found.contains("disk type is dynamic, not fixed (2)"))
        #expect(try Self.finding("vhd-footer", "qcow2-variants/v3.qcow2").status == .skip)
    }

    @Test func vhdSizeAligned() throws {
        #expect(try Self.finding("vhd-size-aligned", "vhd-variants/fixed-force.vhd").status == .pass)
        let f = try Self.finding("vhd-size-aligned", "vhd-variants/fixed.vhd")
        #expect(f.status == .fail)
        #expect(f.found == "50343936 bytes (48 MiB + 12288 bytes)")
        #expect(f.remediation?.contains("qemu-img resize -f raw IMAGE.raw 49M") == true)
    }

    @Test func vhdQemuGeometry() throws {
        #expect(try Self.finding("vhd-qemu-geometry", "vhd-variants/fixed-force.vhd").status == .pass)
        #expect(try Self.finding("vhd-qemu-geometry", "vhd-variants/dynamic-force.vhd").status == .pass)
        let w = try Self.finding("vhd-qemu-geometry", "vhd-variants/fixed.vhd")
        #expect(w.status == .warn)
        #expect(w.remediation?.contains("force_size") == true)
    }

    @Test func theDebianCloudDiskAsAFixedVHDPassesEveryContainerCheck() throws {
        let f = try Self.report("debian12-disk/disk-fixed.vhd")
        for id in [
            "vhd-format", "vhd-footer", "vhd-size-aligned", "vhd-size-max", "vhd-qemu-geometry", "first-mib-free",
            "boot-mode",
        ] {
            #expect(f[id]?.status == .pass, "\(id): \(f[id]?.summary ?? "missing")")
        }
        #expect(f["vhd-size-aligned"]?.found == "913309696 bytes (871 MiB)")
        #expect(f["first-mib-free"]?.found == "partition 1 starts at sector 2048 (byte 1048576)")
        #expect(f["boot-mode"]?.found == "Gen2 (UEFI: EFI/debian/grubx64.efi on partition 1)")
    }

    @Test func theDebianCloudDiskInOtherContainers() throws {
        let dynamic = try Self.report("debian12-disk/disk-dynamic.vhd")
        #expect(dynamic["vhd-format"]?.status == .fail)
        #expect(dynamic["vhd-footer"]?.status == .fail)
        // Converted without force_size: qemu rounded 871 MiB up to its CHS geometry.
        #expect(dynamic["vhd-size-aligned"]?.status == .fail)
        #expect(dynamic["vhd-size-aligned"]?.found == "913489920 bytes (871 MiB + 180224 bytes)")
        #expect(dynamic["vhd-qemu-geometry"]?.status == .warn)
        let big = try Self.report("debian12-disk/disk-2T.qcow2")
        #expect(big["vhd-format"]?.status == .fail)
        #expect(big["vhd-size-max"]?.status == .fail)
        #expect(big["vhd-size-max"]?.summary.contains("1025 GiB over") == true)
        #expect(try Self.report("debian12-disk/disk.qcow2")["vhd-size-max"]?.status == .pass)
    }

    @Test func aFolderOrATarballSkipsEveryContainerCheck() throws {
        for fixture in ["debian12-disk/tree", "tar-debian12/rootfs.tar.zst"] {
            let f = try Self.report(fixture)
            for id in [
                "vhd-format", "vhd-footer", "vhd-size-aligned", "vhd-size-max", "vhd-qemu-geometry", "first-mib-free",
                "boot-mode",
            ] {
                #expect(f[id]?.status == .skip, "\(fixture) \(id)")
                #expect(f[id]?.summary.hasPrefix("Not a disk image") == true, "\(fixture) \(id)")
            }
        }
    }
}

/// Fixed VHDs qemu-img writes with force_size that Azure still refuses (fixture vhd-azure-sizes).
@Suite struct AzureImageVHDSizeTests {
    static func finding(_ id: String, _ fixture: String) throws -> Finding {
        try AzureImageContainerTests.finding(id, "vhd-azure-sizes/" + fixture)
    }

    @Test func aFooterAfterExtraBytesFailsVHDFooter() throws {
        #expect(try Self.finding("vhd-footer", "aligned-24m.vhd").status == .pass)
        let f = try Self.finding("vhd-footer", "padded.vhd")
        #expect(f.status == .fail)
        #expect(
            f.found
                == "the file is 25170432 bytes, not current size 25165824 + 512 = 25166336 (extra bytes before the footer)"
        )
        #expect(
            f.remediation?.hasPrefix("Rewrite the file so nothing lies between the disk data and the footer") == true)
        // The rest of the footer is fine.
        #expect(try Self.finding("vhd-format", "padded.vhd").status == .pass)
        #expect(try Self.finding("vhd-size-aligned", "padded.vhd").status == .pass)
    }

    @Test func belowTwentyMiBFailsVHDSizeAligned() throws {
        let f = try Self.finding("vhd-size-aligned", "small-16m.vhd")
        #expect(f.status == .fail)
        #expect(f.found == "16777216 bytes (16 MiB)")
        #expect(f.summary == "The virtual size is below Azure's 20 MiB minimum.")
        #expect(try Self.finding("vhd-size-aligned", "aligned-24m.vhd").status == .pass)
    }

    @Test func forceSizeKeepsAnUnalignedSize() throws {
        let f = try Self.finding("vhd-size-aligned", "unaligned.vhd")
        #expect(f.status == .fail)
        #expect(f.found == "31457792 bytes (30 MiB + 512 bytes)")
        #expect(f.remediation?.contains("qemu-img resize -f raw IMAGE.raw 31M") == true)
        // Written with force_size (creator qem2): not a geometry rounding.
        #expect(try Self.finding("vhd-qemu-geometry", "unaligned.vhd").status == .pass)
    }

    @Test func vhdSizeMaxOnFooterFacts() throws {
        #expect(try Self.finding("vhd-size-max", "aligned-24m.vhd").status == .pass)
        let f = try Self.finding("vhd-size-max", "oversize-1024g.vhd")
        #expect(f.status == .fail)
        #expect(f.found == "1099511627776 bytes (1024 GiB + 0 bytes)")
        #expect(f.summary == "The virtual size is 1 GiB over Azure's 1,023 GiB OS disk limit.")
    }
}
