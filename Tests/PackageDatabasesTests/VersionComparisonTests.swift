import Guest
import PackageDatabases
import Testing

@Suite struct VersionComparisonTests {
    @Test func tableHasAtLeastTwoHundredPairsFromTheRealTools() {
        #expect(versionTable.count >= 200)
        #expect(versionTable.filter { $0.2 != nil }.count >= 200)
        #expect(versionTable.filter { $0.3 != nil }.count >= 200)
    }

    @Test func dpkgOrderMatchesDpkgCompareVersionsOnEveryRow() {
        for (a, b, expected, _) in versionTable {
            guard let expected else { continue }
            #expect(DpkgVersion.compare(a, b) == expected, "dpkg \(a) vs \(b)")
            #expect(DpkgVersion.compare(b, a) == -expected, "dpkg \(b) vs \(a)")
        }
    }

    @Test func rpmOrderMatchesRpmVercmpOnEveryRow() {
        for (a, b, _, expected) in versionTable {
            guard let expected else { continue }
            #expect(RPMVersion.compare(a, b) == expected, "rpm \(a) vs \(b)")
            #expect(RPMVersion.compare(b, a) == -expected, "rpm \(b) vs \(a)")
        }
    }

    @Test func dpkgSplitsEpochUpstreamAndRevision() {
        let v = DpkgVersion("1:22.4.2-1+deb12u1")
        #expect(v.epoch == 1)
        #expect(v.upstream == "22.4.2")
        #expect(v.revision == "1+deb12u1")
        #expect(DpkgVersion("0.6.0-2~bpo12+1").upstream == "0.6.0")
        #expect(DpkgVersion("1.2-3-4").upstream == "1.2-3")
    }

    @Test func tildeSortsBeforeTheRelease() {
        #expect(DpkgVersion.compare("0.6.0~rc1", "0.6.0") < 0)
        #expect(RPMVersion.vercmp("0.6.0~rc1", "0.6.0") < 0)
        #expect(DpkgVersion.compare("23.2", "23.1.99") > 0)
    }

    @Test(arguments: [
        ("6.12.0", "6.12", 0), ("6.1.0-28-cloud-amd64", "6.12", -1), ("6.12.6+bpo-cloud-amd64", "6.12", 1),
        ("5.14.0-427.13.1.el9_4.x86_64", "6.12", -1), ("6.13-rc1", "6.12", 1),
        ("5.15.0-300.163.18.el9uek.x86_64", "5.15", 0),
    ])
    func kernelReleasesCompareNumerically(a: String, b: String, expected: Int) throws {
        let x = try #require(KernelRelease(a))
        let y = try #require(KernelRelease(b))
        #expect(KernelRelease.compare(x, y) == expected)
    }

    @Test func kernelReleaseWithoutNumberIsNil() {
        #expect(KernelRelease("custom") == nil)
        #expect(KernelRelease("") == nil)
        #expect(KernelRelease("99999999999999.1") == nil)
    }
}
