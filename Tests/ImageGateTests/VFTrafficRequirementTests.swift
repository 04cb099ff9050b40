import Foundation
import ImageGate
import TestSupport
import Testing

/// `vf-traffic` end to end through `ImageGate.check` with `live`: a root folder holding only
/// os-release, and a
/// synthetic sysfs whose statistics files the wait between the two readings rewrites.
@Suite struct VFTrafficRequirementTests {
    /// A folder that opens as a guest root (os-release only).
    static func minimalRoot() throws -> String {
        let root = NSTemporaryDirectory() + "imagegate-minimal-root-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try "ID=debian\nVERSION_ID=\"12\"\n".write(toFile: root + "/etc/os-release", atomically: true, encoding: .utf8)
        return root
    }

    static func finding(_ tree: SysfsTree, wait: @escaping @Sendable (Duration) -> Void = { _ in }) throws -> (
        Finding, Report
    ) {
        let root = try minimalRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let options = CheckOptions(
            live: true, liveOptions: LiveOptions(sysfsRoot: tree.root, sample: .zero, wait: wait))
        let report = ImageGate.check(root, options: options).report
        return (try #require((report.requirements ?? []).first { $0.id == "vf-traffic" }), report)
    }

    @Test func growingVFCountersPass() throws {
        let t = try SysfsTree.azure(vfDriver: "mana")
        try t.setStatistics("enP1s1", rx: 10, tx: 10)
        let (f, report) = try Self.finding(t) { _ in try? t.setStatistics("enP1s1", rx: 60, tx: 30) }
        #expect(f.status == .pass)
        #expect(f.found.hasPrefix("eth0 -> enP1s1 (mana, flags 0x1803): enP1s1 rx+tx +70"))
        #expect(f.evidence.contains(t.root + "/class/net/eth0/lower_enP1s1"))
        #expect(f.evidence.contains("enP1s1 statistics/rx_packets: 10 -> 60"))
        #expect(f.remediation == nil)
        guard case .object(let facts)? = report.facts, case .object(let live)? = facts["liveNetwork"] else {
            Issue.record("no liveNetwork in the facts")
            return
        }
        #expect(live["sysfsRoot"] == .string(t.root))
    }

    @Test func onlySyntheticTrafficWarns() throws {
        let t = try SysfsTree.azure()
        let (f, _) = try Self.finding(t) { _ in try? t.setStatistics("eth0", rx: 400, tx: 100) }
        #expect(f.status == .warn)
        #expect(f.summary.hasPrefix("Only the synthetic path carried traffic on eth0"))
        #expect(f.found.contains("synthetic path +500"))
        #expect(f.remediation?.contains("ip link show enP1s1") == true)
    }

    @Test func noVFSkipsWithTheReason() throws {
        let t = try SysfsTree()
        try t.add("eth0", flags: "0x1003", driver: "hv_netvsc")
        try t.add("lo", flags: "0x9")
        let (f, _) = try Self.finding(t)
        #expect(f.status == .skip)
        #expect(f.found == "no VF: eth0 (hv_netvsc); lo (no device)")
        #expect(f.summary.hasPrefix("No VF is bonded to a synthetic interface"))
    }

    @Test func anIdleNICIsUndecided() throws {
        let (f, _) = try Self.finding(try SysfsTree.azure())
        #expect(f.status == .skip)
        #expect(f.summary.hasPrefix("No counter grew on eth0"))
    }

    @Test func anImageIsNeverSampled() throws {
        let root = try Self.minimalRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let t = try SysfsTree.azure()
        let report = ImageGate.check(root, options: CheckOptions(liveOptions: LiveOptions(sysfsRoot: t.root))).report
        let f = try #require((report.requirements ?? []).first { $0.id == "vf-traffic" })
        #expect(f.status == .skip && f.summary.hasPrefix("Needs a running VM"))
        if case .object(let facts)? = report.facts { #expect(facts["liveNetwork"] == nil) }
    }
}
