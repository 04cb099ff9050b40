import Foundation
import ImageGate
import TestSupport
import Testing

/// One test per requirement id, parameterized over the images of `IMAGEGATE_IMAGES` (see
/// `ConformanceImages`), each case named "<id> on <image>". `swift test --filter Conformance
/// --xunit-output report.xml` writes `report-swift-testing.xml` only (not `report.xml`, XCTest's)
/// with one testcase per requirement, all images folded into it: Swift Testing's JUnit recorder
/// keeps tests, not their cases, and drops display names. Per-image JUnit is
/// `imagegate check --format junit`. Each image is checked once for all tests.
@Suite struct ConformanceTests {
    /// The requirement ids this suite declares a `@Test` for, in catalog order.
    static let declaredIDs = [
        "kernel", "drivers", "cloud-init", "azure-vm-utils", "udev-rule", "network-managers", "networkd-unmanaged",
        "synthetic-binding", "cloud-init-azure", "initramfs-rule", "vm-size", "vf-traffic",
        "nm-managed-override", "rp-filter",
        "vhd-format", "vhd-footer", "vhd-size-aligned", "vhd-size-max", "vhd-qemu-geometry", "first-mib-free",
        "boot-mode", "initrd-hyperv", "initrd-nvme", "kernel-cmdline-console", "kernel-cmdline-avoid",
        "kernel-modules-enabled", "no-swap-osdisk", "fstab-persistent",
        "provisioning-agent", "waagent-conf", "cloud-init-datasource", "cloud-init-leftovers",
        "no-persistent-net-rules",
        "generalized", "no-credentials", "sshd", "sudoers", "hyperv-daemons",
    ]

    /// Requirement `id` on each image under test: the arguments of `id`'s test.
    static func cases(_ id: String) -> [ConformanceCase] {
        ConformanceImages.paths.map { ConformanceCase(id: id, image: $0) }
    }

    /// Checks the image (once) and applies the suite's rule to the case's requirement.
    static func conform(_ c: ConformanceCase) async {
        let report = await ConformanceImages.report(c.image)
        let problem = ConformanceVerdict.problem(
            id: c.id, in: report, strict: ConformanceImages.strict,
            expectedFailures: ConformanceImages.isBundledSample ? ConformanceVerdict.sampleDesignedFailures : [])
        if let problem { Issue.record(Comment(rawValue: problem)) }
    }

    // Raw identifiers: the test's name is the requirement id, in the console and in the JUnit
    // testcase (`cloud-init`(_:)), where a display name would not reach; each case is shown as
    // "<id> on <image>" (ConformanceCase).
    @Test(.enabled(if: ConformanceImages.runs("kernel")), arguments: cases("kernel")) func `kernel`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("drivers")), arguments: cases("drivers")) func `drivers`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init")), arguments: cases("cloud-init")) func `cloud-init`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("azure-vm-utils")), arguments: cases("azure-vm-utils"))
    func `azure-vm-utils`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("udev-rule")), arguments: cases("udev-rule")) func `udev-rule`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("network-managers")), arguments: cases("network-managers"))
    func `network-managers`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("networkd-unmanaged")), arguments: cases("networkd-unmanaged"))
    func `networkd-unmanaged`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("synthetic-binding")), arguments: cases("synthetic-binding"))
    func `synthetic-binding`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-azure")), arguments: cases("cloud-init-azure"))
    func `cloud-init-azure`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("initramfs-rule")), arguments: cases("initramfs-rule"))
    func `initramfs-rule`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vm-size")), arguments: cases("vm-size")) func `vm-size`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vf-traffic")), arguments: cases("vf-traffic")) func `vf-traffic`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("nm-managed-override")), arguments: cases("nm-managed-override"))
    func `nm-managed-override`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("rp-filter")), arguments: cases("rp-filter")) func `rp-filter`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }

    // Profile azure-image (IMAGEGATE_PROFILE=azure-image, or a list holding it).
    @Test(.enabled(if: ConformanceImages.runs("vhd-format")), arguments: cases("vhd-format")) func `vhd-format`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-footer")), arguments: cases("vhd-footer")) func `vhd-footer`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-size-aligned")), arguments: cases("vhd-size-aligned"))
    func `vhd-size-aligned`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-size-max")), arguments: cases("vhd-size-max")) func `vhd-size-max`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("vhd-qemu-geometry")), arguments: cases("vhd-qemu-geometry"))
    func `vhd-qemu-geometry`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("first-mib-free")), arguments: cases("first-mib-free"))
    func `first-mib-free`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("boot-mode")), arguments: cases("boot-mode")) func `boot-mode`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("initrd-hyperv")), arguments: cases("initrd-hyperv"))
    func `initrd-hyperv`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("initrd-nvme")), arguments: cases("initrd-nvme")) func `initrd-nvme`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-cmdline-console")), arguments: cases("kernel-cmdline-console"))
    func `kernel-cmdline-console`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-cmdline-avoid")), arguments: cases("kernel-cmdline-avoid"))
    func `kernel-cmdline-avoid`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("kernel-modules-enabled")), arguments: cases("kernel-modules-enabled"))
    func `kernel-modules-enabled`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("no-swap-osdisk")), arguments: cases("no-swap-osdisk"))
    func `no-swap-osdisk`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("fstab-persistent")), arguments: cases("fstab-persistent"))
    func `fstab-persistent`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("provisioning-agent")), arguments: cases("provisioning-agent"))
    func `provisioning-agent`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("waagent-conf")), arguments: cases("waagent-conf")) func `waagent-conf`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-datasource")), arguments: cases("cloud-init-datasource"))
    func `cloud-init-datasource`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("cloud-init-leftovers")), arguments: cases("cloud-init-leftovers"))
    func `cloud-init-leftovers`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("no-persistent-net-rules")), arguments: cases("no-persistent-net-rules"))
    func `no-persistent-net-rules`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("generalized")), arguments: cases("generalized")) func `generalized`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("no-credentials")), arguments: cases("no-credentials"))
    func `no-credentials`(_ check: ConformanceCase) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("sshd")), arguments: cases("sshd")) func `sshd`(_ check: ConformanceCase)
        async
    { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("sudoers")), arguments: cases("sudoers")) func `sudoers`(
        _ check: ConformanceCase
    ) async { await Self.conform(check) }
    @Test(.enabled(if: ConformanceImages.runs("hyperv-daemons")), arguments: cases("hyperv-daemons"))
    func `hyperv-daemons`(_ check: ConformanceCase) async { await Self.conform(check) }
}

/// The suite itself: it covers the catalog, and its images exist.
@Suite struct ConformanceCoverageTests {
    @Test func everyCatalogIDHasItsTest() throws {
        #expect(ConformanceTests.declaredIDs == Requirement.catalog.map(\.id))
        // The declarations themselves: each id names a @Test and is the id its body checks (the
        // pattern takes any whitespace between tokens: swift format breaks long declarations).
        let source = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
                + "/ConformanceTests.swift", encoding: .utf8)
        let declared = source.matches(
            of:
                /@Test\(\.enabled\(if:\s*ConformanceImages\.runs\("([a-z0-9-]+)"\)\),\s*arguments:\s*cases\("([a-z0-9-]+)"\)\)\s*func\s+`([a-z0-9-]+)`\(\s*_ check: ConformanceCase\s*\)\s*async\s*\{\s*await Self\.conform\(check\)\s*\}/
        )
        let names = declared.map { String($0.3) }
        #expect(names == ConformanceTests.declaredIDs)
        // Each test runs when the profile checked has its own id, and checks that id.
        for m in declared {
            #expect(m.1 == m.3, "@Test `\(m.3)` is enabled by \(m.1)")
            #expect(m.2 == m.3, "@Test `\(m.3)` checks \(m.2)")
        }
    }

    @Test func namedProfileIsKnown() {
        let named = ConformanceImages.environment["IMAGEGATE_PROFILE"] ?? ""
        #expect(named.isEmpty || Profile.named(named) != nil, "IMAGEGATE_PROFILE=\(named) is not a profile list")
    }

    @Test func namedImagesExist() {
        for p in ConformanceImages.paths {
            #expect(
                FileManager.default.fileExists(atPath: p),
                "\(p) does not exist (IMAGEGATE_IMAGES, or `make fixtures` for the sample)")
        }
    }
}
