import Foundation
import ImageGate
import Testing
import TestSupport

/// One test per requirement id, parameterized over the images of `IMAGEGATE_IMAGES` (see
/// `ConformanceImages`): `swift test --filter Conformance --xunit-output report.xml` writes
/// `report-swift-testing.xml` (not `report.xml`, XCTest's) with one testcase per requirement, all
/// images folded into it; per-image JUnit is `imagegate check --format junit`. Each image is
/// checked once for all tests.
@Suite struct ConformanceTests {
    /// The requirement ids this suite declares a `@Test` for, in catalog order.
    static let declaredIDs = [
        "kernel", "drivers", "cloud-init", "azure-vm-utils", "udev-rule", "network-managers", "networkd-unmanaged",
        "synthetic-binding", "cloud-init-azure", "initramfs-rule", "vm-size", "vf-traffic",
        "nm-managed-override", "rp-filter",
        "vhd-format", "vhd-footer", "vhd-size-aligned", "vhd-size-max", "vhd-qemu-geometry", "first-mib-free",
        "boot-mode", "initrd-hyperv", "initrd-nvme", "kernel-cmdline-console", "kernel-cmdline-avoid",
        "kernel-modules-enabled", "no-swap-osdisk", "fstab-persistent",
        "provisioning-agent", "waagent-conf", "cloud-init-datasource", "cloud-init-leftovers", "no-persistent-net-rules",
        "generalized", "no-credentials", "sshd", "sudoers", "hyperv-daemons",
    ]

    static let images = ConformanceImages.paths

    /// Checks the image (once) and applies the suite's rule to requirement `id`.
    static func conform(_ id: String, _ image: String) async {
        let report = await ConformanceImages.report(image)
        let problem = ConformanceVerdict.problem(
            id: id, in: report, strict: ConformanceImages.strict,
            expectedFailures: ConformanceImages.isBundledSample ? ConformanceVerdict.sampleDesignedFailures : [])
        if let problem { Issue.record(Comment(rawValue: problem)) }
    }

    // Raw identifiers: the test's name is the requirement id, in the console and in the JUnit
    // testcase (`cloud-init(image:)`), where a display name would not reach.
    @Test(.enabled(if: ConformanceImages.runs("kernel")), arguments: images) func `kernel`(image: String) async { await Self.conform("kernel", image) }
    @Test(.enabled(if: ConformanceImages.runs("drivers")), arguments: images) func `drivers`(image: String) async { await Self.conform("drivers", image) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init")), arguments: images) func `cloud-init`(image: String) async { await Self.conform("cloud-init", image) }
    @Test(.enabled(if: ConformanceImages.runs("azure-vm-utils")), arguments: images) func `azure-vm-utils`(image: String) async { await Self.conform("azure-vm-utils", image) }
    @Test(.enabled(if: ConformanceImages.runs("udev-rule")), arguments: images) func `udev-rule`(image: String) async { await Self.conform("udev-rule", image) }
    @Test(.enabled(if: ConformanceImages.runs("network-managers")), arguments: images) func `network-managers`(image: String) async { await Self.conform("network-managers", image) }
    @Test(.enabled(if: ConformanceImages.runs("networkd-unmanaged")), arguments: images) func `networkd-unmanaged`(image: String) async { await Self.conform("networkd-unmanaged", image) }
    @Test(.enabled(if: ConformanceImages.runs("synthetic-binding")), arguments: images) func `synthetic-binding`(image: String) async { await Self.conform("synthetic-binding", image) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-azure")), arguments: images) func `cloud-init-azure`(image: String) async { await Self.conform("cloud-init-azure", image) }
    @Test(.enabled(if: ConformanceImages.runs("initramfs-rule")), arguments: images) func `initramfs-rule`(image: String) async { await Self.conform("initramfs-rule", image) }
    @Test(.enabled(if: ConformanceImages.runs("vm-size")), arguments: images) func `vm-size`(image: String) async { await Self.conform("vm-size", image) }
    @Test(.enabled(if: ConformanceImages.runs("vf-traffic")), arguments: images) func `vf-traffic`(image: String) async { await Self.conform("vf-traffic", image) }
    @Test(.enabled(if: ConformanceImages.runs("nm-managed-override")), arguments: images) func `nm-managed-override`(image: String) async { await Self.conform("nm-managed-override", image) }
    @Test(.enabled(if: ConformanceImages.runs("rp-filter")), arguments: images) func `rp-filter`(image: String) async { await Self.conform("rp-filter", image) }

    // Profile azure-image (IMAGEGATE_PROFILE=azure-image, or a list holding it).
    @Test(.enabled(if: ConformanceImages.runs("vhd-format")), arguments: images) func `vhd-format`(image: String) async { await Self.conform("vhd-format", image) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-footer")), arguments: images) func `vhd-footer`(image: String) async { await Self.conform("vhd-footer", image) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-size-aligned")), arguments: images) func `vhd-size-aligned`(image: String) async { await Self.conform("vhd-size-aligned", image) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-size-max")), arguments: images) func `vhd-size-max`(image: String) async { await Self.conform("vhd-size-max", image) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-qemu-geometry")), arguments: images) func `vhd-qemu-geometry`(image: String) async { await Self.conform("vhd-qemu-geometry", image) }
    @Test(.enabled(if: ConformanceImages.runs("first-mib-free")), arguments: images) func `first-mib-free`(image: String) async { await Self.conform("first-mib-free", image) }
    @Test(.enabled(if: ConformanceImages.runs("boot-mode")), arguments: images) func `boot-mode`(image: String) async { await Self.conform("boot-mode", image) }
    @Test(.enabled(if: ConformanceImages.runs("initrd-hyperv")), arguments: images) func `initrd-hyperv`(image: String) async { await Self.conform("initrd-hyperv", image) }
    @Test(.enabled(if: ConformanceImages.runs("initrd-nvme")), arguments: images) func `initrd-nvme`(image: String) async { await Self.conform("initrd-nvme", image) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-cmdline-console")), arguments: images) func `kernel-cmdline-console`(image: String) async { await Self.conform("kernel-cmdline-console", image) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-cmdline-avoid")), arguments: images) func `kernel-cmdline-avoid`(image: String) async { await Self.conform("kernel-cmdline-avoid", image) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-modules-enabled")), arguments: images) func `kernel-modules-enabled`(image: String) async { await Self.conform("kernel-modules-enabled", image) }
    @Test(.enabled(if: ConformanceImages.runs("no-swap-osdisk")), arguments: images) func `no-swap-osdisk`(image: String) async { await Self.conform("no-swap-osdisk", image) }
    @Test(.enabled(if: ConformanceImages.runs("fstab-persistent")), arguments: images) func `fstab-persistent`(image: String) async { await Self.conform("fstab-persistent", image) }
    @Test(.enabled(if: ConformanceImages.runs("provisioning-agent")), arguments: images) func `provisioning-agent`(image: String) async { await Self.conform("provisioning-agent", image) }
    @Test(.enabled(if: ConformanceImages.runs("waagent-conf")), arguments: images) func `waagent-conf`(image: String) async { await Self.conform("waagent-conf", image) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-datasource")), arguments: images) func `cloud-init-datasource`(image: String) async { await Self.conform("cloud-init-datasource", image) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-leftovers")), arguments: images) func `cloud-init-leftovers`(image: String) async { await Self.conform("cloud-init-leftovers", image) }
    @Test(.enabled(if: ConformanceImages.runs("no-persistent-net-rules")), arguments: images) func `no-persistent-net-rules`(image: String) async { await Self.conform("no-persistent-net-rules", image) }
    @Test(.enabled(if: ConformanceImages.runs("generalized")), arguments: images) func `generalized`(image: String) async { await Self.conform("generalized", image) }
    @Test(.enabled(if: ConformanceImages.runs("no-credentials")), arguments: images) func `no-credentials`(image: String) async { await Self.conform("no-credentials", image) }
    @Test(.enabled(if: ConformanceImages.runs("sshd")), arguments: images) func `sshd`(image: String) async { await Self.conform("sshd", image) }
    @Test(.enabled(if: ConformanceImages.runs("sudoers")), arguments: images) func `sudoers`(image: String) async { await Self.conform("sudoers", image) }
    @Test(.enabled(if: ConformanceImages.runs("hyperv-daemons")), arguments: images) func `hyperv-daemons`(image: String) async { await Self.conform("hyperv-daemons", image) }
}

/// The suite itself: it covers the catalog, and its images exist.
@Suite struct ConformanceCoverageTests {
    @Test func everyCatalogIDHasItsTest() throws {
        #expect(ConformanceTests.declaredIDs == Requirement.catalog.map(\.id))
        // The declarations themselves: each id names a @Test and is the id its body checks.
        let source = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/ConformanceTests.swift", encoding: .utf8)
        let declared = source.matches(of: /@Test\(\.enabled\(if: ConformanceImages\.runs\("[a-z0-9-]+"\)\), arguments: images\) func `([a-z0-9-]+)`\(image: String\) async \{ await Self\.conform\("([a-z0-9-]+)", image\)/)
        let names = declared.map { String($0.1) }
        #expect(names == ConformanceTests.declaredIDs)
        for m in declared { #expect(m.1 == m.2, "@Test `\(m.1)` checks \(m.2)") }
        // Each test runs when the profile checked has its own id.
        for m in source.matches(of: /ConformanceImages\.runs\("([a-z0-9-]+)"\)\), arguments: images\) func `([a-z0-9-]+)`/) {
            #expect(m.1 == m.2, "@Test `\(m.2)` is enabled by \(m.1)")
        }
    }

    @Test func namedProfileIsKnown() {
        let named = ConformanceImages.environment["IMAGEGATE_PROFILE"] ?? ""
        #expect(named.isEmpty || Profile.named(named) != nil, "IMAGEGATE_PROFILE=\(named) is not a profile list")
    }

    @Test func namedImagesExist() {
        for p in ConformanceImages.paths {
            #expect(FileManager.default.fileExists(atPath: p), "\(p) does not exist (IMAGEGATE_IMAGES, or `make fixtures` for the sample)")
        }
    }
}
