import Foundation
import TestSupport
import Testing

/// A `--vm-size` the catalogue does not know is a usage error (exit 64) before any image is read,
/// naming the nearest sizes of the catalogue in use, so a typo cannot pass the gate as a skip.
@Suite struct VMSizeUsageTests {
    @Test func aMistypedSizeIsAUsageErrorNamingTheNearest() throws {
        let r = try CLI.run(["check", "/nonexistent/image.vhd", "--vm-size", "Standard_D4s_v9"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--vm-size Standard_D4s_v9 is not in the catalogue shipped"), "\(r.stderr)")
        #expect(r.stderr.contains("nearest: Standard_D4s_v3, Standard_D4s_v5, Standard_D4s_v6"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func theBogusSizeOfTheIssueIsRefusedToo() throws {
        let r = try CLI.run(["check", "/nonexistent/image.vhd", "--vm-size", "Standard_Bogus_v9", "--format", "json"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("imagegate: error: --vm-size Standard_Bogus_v9"), "\(r.stderr)")
    }

    @Test func theNearestComeFromTheSkusFileWhenGiven() throws {
        let skus = """
            [{"name": "Standard_L8s_v3", "resourceType": "virtualMachines", "capabilities": [{"name": "vCPUs", "value": "8"}]},
             {"name": "Standard_L16s_v3", "resourceType": "virtualMachines", "capabilities": []}]
            """
        let file = try Tools.temporaryFile(Data(skus.utf8), suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try CLI.run(["check", "/nonexistent/image.vhd", "--vm-size", "Standard_L8s_v2", "--skus", file])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("is not in \(file); nearest: Standard_L8s_v3, Standard_L16s_v3"), "\(r.stderr)")
        // A known size goes on to the image (which here does not exist: exit 2, not 64).
        let known = try CLI.run(["check", "/nonexistent/image.vhd", "--vm-size", "standard_l8s_v3", "--skus", file])
        #expect(known.status == 2, "\(known.stderr)")
    }
}
