import Foundation
import TestSupport
import Testing

/// `check / --live` inside a real network namespace holding a veth pair: no VF, so `vf-traffic`
/// takes the skip path and names every interface it saw in the namespace's /sys.
@Suite(.serialized) struct LiveNamespaceTests {
    @Test(.enabled(if: NetworkNamespace.canCreate, Comment(rawValue: NetworkNamespace.requirement)))
    func vethPairHasNoVFSoVFTrafficSkips() throws {
        let ns = try NetworkNamespace()
        let r = try ns.exec([CLI.binary, "check", "/", "--live", "--sample", "200ms", "--format", "json"])
        #expect(r.status == 0 || r.status == 1, "exit \(r.status): \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: r.data) as? [String: Any])
        let findings = try #require(report["requirements"] as? [[String: Any]])
        let vf = try #require(findings.first { $0["id"] as? String == "vf-traffic" })
        #expect(vf["status"] as? String == "skip")
        #expect(vf["found"] as? String == "no VF: lo (no device); veth0 (no device); veth1 (no device)")
        #expect((vf["summary"] as? String)?.hasPrefix("No VF is bonded to a synthetic interface") == true)
        let facts = try #require(report["facts"] as? [String: Any])
        let live = try #require(facts["liveNetwork"] as? [String: Any])
        #expect(live["sysfsRoot"] as? String == "/sys")
        #expect(live["sampleMilliseconds"] as? Int == 0, "nothing to sample, so no wait")
        let interfaces = try #require(live["interfaces"] as? [[String: Any]])
        #expect(interfaces.map { $0["name"] as? String } == ["lo", "veth0", "veth1"])
        // veth is up, not enslaved: IFF_UP (0x1) set, IFF_SLAVE (0x800) clear.
        for i in interfaces where (i["name"] as? String)?.hasPrefix("veth") == true {
            let flags = try #require(i["flags"] as? Int)
            #expect(flags & 0x1 != 0 && flags & 0x800 == 0)
        }
    }

    @Test func sampleNeedsLive() throws {
        let r = try CLI.run(["check", "/", "--sample", "1s"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--sample and --sysfs-root need --live"))
    }

    @Test func aMalformedSampleIsAUsageError() throws {
        for bad in ["5h", "-1s", "fast", "11m"] {
            let r = try CLI.run(["check", "/", "--live", "--sample", bad])
            #expect(r.status == 64, "\(bad)")
        }
    }

    @Test func sysfsRootPointsTheLiveCheckElsewhere() throws {
        let t = try SysfsTree.azure()
        try t.setStatistics("enP1s1", rx: 5, tx: 5)
        let r = try CLI.run(["check", "/", "--live", "--sysfs-root", t.root, "--sample", "0s", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let vf = try #require(
            (report["requirements"] as? [[String: Any]])?.first { $0["id"] as? String == "vf-traffic" })
        // Static files: nothing grows, so the sample is undecided, but the pair was found.
        #expect(vf["status"] as? String == "skip")
        #expect((vf["found"] as? String)?.hasPrefix("eth0 -> enP1s1 (mlx5_core, flags 0x1803)") == true)
    }
}
