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
    @Test(arguments: images) func `kernel`(image: String) async { await Self.conform("kernel", image) }
    @Test(arguments: images) func `drivers`(image: String) async { await Self.conform("drivers", image) }
    @Test(arguments: images) func `cloud-init`(image: String) async { await Self.conform("cloud-init", image) }
    @Test(arguments: images) func `azure-vm-utils`(image: String) async { await Self.conform("azure-vm-utils", image) }
    @Test(arguments: images) func `udev-rule`(image: String) async { await Self.conform("udev-rule", image) }
    @Test(arguments: images) func `network-managers`(image: String) async { await Self.conform("network-managers", image) }
    @Test(arguments: images) func `networkd-unmanaged`(image: String) async { await Self.conform("networkd-unmanaged", image) }
    @Test(arguments: images) func `synthetic-binding`(image: String) async { await Self.conform("synthetic-binding", image) }
    @Test(arguments: images) func `cloud-init-azure`(image: String) async { await Self.conform("cloud-init-azure", image) }
    @Test(arguments: images) func `initramfs-rule`(image: String) async { await Self.conform("initramfs-rule", image) }
    @Test(arguments: images) func `vm-size`(image: String) async { await Self.conform("vm-size", image) }
    @Test(arguments: images) func `vf-traffic`(image: String) async { await Self.conform("vf-traffic", image) }
    @Test(arguments: images) func `nm-managed-override`(image: String) async { await Self.conform("nm-managed-override", image) }
    @Test(arguments: images) func `rp-filter`(image: String) async { await Self.conform("rp-filter", image) }
}

/// The suite itself: it covers the catalog, and its images exist.
@Suite struct ConformanceCoverageTests {
    @Test func everyCatalogIDHasItsTest() throws {
        // The suite checks the default profile (the one ConformanceImages runs).
        #expect(ConformanceTests.declaredIDs == Profile.azureAcceleratedNetworking.requirements.map(\.id))
        // The declarations themselves: each id names a @Test and is the id its body checks.
        let source = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/ConformanceTests.swift", encoding: .utf8)
        let declared = source.matches(of: /@Test\(arguments: images\) func `([a-z0-9-]+)`\(image: String\) async \{ await Self\.conform\("([a-z0-9-]+)", image\)/)
        let names = declared.map { String($0.1) }
        #expect(names == ConformanceTests.declaredIDs)
        for m in declared { #expect(m.1 == m.2, "@Test `\(m.1)` checks \(m.2)") }
    }

    @Test func namedImagesExist() {
        for p in ConformanceImages.paths {
            #expect(FileManager.default.fileExists(atPath: p), "\(p) does not exist (IMAGEGATE_IMAGES, or `make fixtures` for the sample)")
        }
    }
}
