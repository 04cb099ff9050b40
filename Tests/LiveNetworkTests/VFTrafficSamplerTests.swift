import BlockIO
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LiveNetwork

@Suite struct VFTrafficSamplerTests {
    static let noWait: @Sendable (Duration) -> Void = { _ in }

    @Test func findsTheVFBondedToTheSyntheticInterface() throws {
        let t = try SysfsTree.azure()
        let interfaces = try SysfsNetwork(root: t.root).interfaces()
        #expect(interfaces.map(\.name) == ["enP1s1", "eth0", "lo"])
        let eth0 = try #require(interfaces.first { $0.name == "eth0" })
        #expect(eth0.driver == "hv_netvsc")
        #expect(eth0.lowers == ["enP1s1"])
        #expect(eth0.flags == 0x1003)
        let vf = try #require(interfaces.first { $0.name == "enP1s1" })
        #expect(vf.isSlave && vf.driver == "mlx5_core")
        #expect(interfaces.first { $0.name == "lo" }?.driver == nil)
    }

    @Test func vfCountersThatGrowAreMeasured() throws {
        let t = try SysfsTree.azure()
        let counters = ScriptedCounters(
            before: ["eth0": ScriptedCounters.netvsc(vfRx: 100, vfTx: 50, queueRx: 7, queueTx: 3)],
            after: ["eth0": ScriptedCounters.netvsc(vfRx: 180, vfTx: 90, queueRx: 8, queueTx: 3)])
        let facts = VFTrafficSampler(sysfsRoot: t.root, counters: counters, duration: .zero, wait: Self.noWait).sample()
        let p = try #require(facts.paths.first)
        #expect(facts.paths.count == 1)
        #expect(p.synthetic == "eth0" && p.vf.name == "enP1s1")
        #expect(p.vfPackets == 120)
        #expect(p.syntheticPackets == 1)
        #expect(p.vfGrew)
        #expect(p.readings.contains("eth0 vf_rx_packets: 100 -> 180"))
        #expect(counters.reads.withLock { $0 } == ["eth0": 2, "enP1s1": 2])
    }

    @Test func onlySyntheticTrafficLeavesTheVFIdle() throws {
        let t = try SysfsTree.azure()
        let counters = ScriptedCounters(
            before: ["eth0": ScriptedCounters.netvsc(vfRx: 100, vfTx: 50, queueRx: 7, queueTx: 3)],
            after: ["eth0": ScriptedCounters.netvsc(vfRx: 100, vfTx: 50, queueRx: 70, queueTx: 30)])
        let p = try #require(
            VFTrafficSampler(sysfsRoot: t.root, counters: counters, duration: .zero, wait: Self.noWait).sample().paths
                .first)
        #expect(p.vfPackets == 0)
        #expect(p.syntheticPackets == 90)
        #expect(!p.vfGrew)
    }

    @Test func noLowerLinkMeansNoPathAndNoWait() throws {
        let t = try SysfsTree()
        try t.add("eth0", flags: "0x1003", driver: "hv_netvsc")
        try t.add("lo", flags: "0x9")
        let waited = Mutex(false)
        let facts = VFTrafficSampler(
            sysfsRoot: t.root, duration: .seconds(60), wait: { _ in waited.withLock { $0 = true } }
        ).sample()
        #expect(facts.paths.isEmpty)
        #expect(facts.interfaces.count == 2)
        #expect(facts.unreadable == nil)
        #expect(!waited.withLock { $0 })
    }

    @Test func aLowerWithoutTheSlaveFlagIsNotAVF() throws {
        let t = try SysfsTree.azure(vfFlags: "0x1003")
        #expect(VFTrafficSampler(sysfsRoot: t.root, wait: Self.noWait).sample().paths.isEmpty)
    }

    @Test func aBondIsNotASyntheticInterface() throws {
        let t = try SysfsTree()
        try t.add("bond0", flags: "0x1403", lowers: ["veth0"])
        try t.add("veth0", flags: "0x1803")
        let facts = VFTrafficSampler(sysfsRoot: t.root, wait: Self.noWait).sample()
        #expect(facts.paths.isEmpty)
        #expect(facts.interfaces.first { $0.name == "veth0" }?.isSlave == true)
    }

    @Test func sysfsStatisticsOfAMANAVFAreItsOwnCounters() throws {
        // The default source below a root other than /sys: statistics files, re-read after the wait.
        let t = try SysfsTree.azure(vfDriver: "mana")
        try t.setStatistics("enP1s1", rx: 1000, tx: 400)
        try t.setStatistics("eth0", rx: 1010, tx: 400)
        let tree = t
        let facts = VFTrafficSampler(
            sysfsRoot: t.root, duration: .milliseconds(1),
            wait: { _ in
                try? tree.setStatistics("enP1s1", rx: 1500, tx: 600)
                try? tree.setStatistics("eth0", rx: 1515, tx: 600)
            }
        ).sample()
        let p = try #require(facts.paths.first)
        #expect(facts.counterSource.hasSuffix("/class/net/*/statistics"))
        #expect(p.vf.driver == "mana")
        #expect(p.vfPackets == nil)
        #expect(p.vfOwnPackets == 700)
        // eth0's totals include the VF's packets: 705 - 700.
        #expect(p.syntheticPackets == 5)
        #expect(p.vfGrew)
    }

    @Test func aCounterThatGoesBackwardsIsReported() throws {
        let t = try SysfsTree.azure()
        let counters = ScriptedCounters(
            before: ["eth0": ScriptedCounters.netvsc(vfRx: 500, vfTx: 50, queueRx: 0, queueTx: 0)],
            after: ["eth0": ScriptedCounters.netvsc(vfRx: 20, vfTx: 60, queueRx: 0, queueTx: 0)])
        let p = try #require(
            VFTrafficSampler(sysfsRoot: t.root, counters: counters, wait: Self.noWait).sample().paths.first)
        #expect(p.vfPackets == 30)
        #expect(p.problem == "counter went backwards (reset): eth0 vf_rx_packets")
    }

    @Test func aCorruptCounterFileIsAProblemNotATrap() throws {
        let t = try SysfsTree.azure()
        try "lots\n".write(toFile: t.dir("enP1s1") + "/statistics/rx_packets", atomically: true, encoding: .utf8)
        let p = try #require(VFTrafficSampler(sysfsRoot: t.root, wait: Self.noWait).sample().paths.first)
        #expect(p.problem?.contains("holds 'lots', not a counter") == true)
        #expect(!p.vfGrew)
    }

    @Test func aMissingSysfsIsUnreadable() {
        let facts = VFTrafficSampler(sysfsRoot: "/nonexistent-imagegate-sysfs", wait: Self.noWait).sample()
        #expect(facts.unreadable?.hasPrefix("sysfs: cannot list /nonexistent-imagegate-sysfs/class/net") == true)
    }

    @Test func flagsParseAsHexadecimal() {
        #expect(SysfsNetwork.parseFlags("0x1803") == 0x1803)
        #expect(SysfsNetwork.parseFlags("0x100000000") == nil)
        #expect(SysfsNetwork.parseFlags("slave") == nil)
    }
}
