import Foundation
import TestSupport
import Testing

/// `--profile` with a comma-separated list, and `requirements --profile`.
@Suite struct ProfileListTests {
    @Test func twoProfilesMakeOneReport() throws {
        let tree = try Fixtures.path("debian12-disk/tree")
        let r = try CLI.run([
            "check", "--format", "json", "--profile", "azure-accelerated-networking,azure-image", tree,
        ])
        let report = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        #expect(report["profile"] as? String == "azure-accelerated-networking,azure-image")
        let ids = ((report["requirements"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(ids.first == "kernel")
        #expect(ids.firstIndex(of: "rp-filter").map { ids[$0 + 1] } == "vhd-format")
        #expect(Set(ids).count == ids.count)
        let errors = try Tools.validateJSON([r.stdout], schema: Fixtures.schema("report.schema.json"))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func anUnknownOrRepeatedProfileIsAUsageError() throws {
        let tree = try Fixtures.path("debian12-disk/tree")
        for (list, message) in [
            ("azure-image,azure-image", "profile 'azure-image' given twice"),
            ("azure-image,nope", "unknown profile 'nope'"),
            ("azure-image,", "empty profile name"),
        ] {
            let r = try CLI.run(["check", "--profile", list, tree])
            #expect(r.status == 64, "\(list)")
            #expect(r.stderr.contains(message), "\(list): \(r.stderr)")
        }
    }

    @Test func requirementsListsOneProfileOrAll() throws {
        let one = String(decoding: try CLI.run(["requirements", "--profile", "azure-image"]).stdout, as: UTF8.self)
        #expect(one.hasPrefix("Profile azure-image: "))
        #expect(one.contains("vhd-format [must]") && !one.contains("rp-filter [should]"))
        let all = String(decoding: try CLI.run(["requirements"]).stdout, as: UTF8.self)
        #expect(all.contains("Profile azure-accelerated-networking: 14 requirements"))
        #expect(all.contains("Profile azure-image: "))
        #expect(all.contains("rp-filter [") && all.contains("fstab-persistent [must]"))
        #expect(try CLI.run(["requirements", "--profile", "nope"]).status == 64)
    }
}
