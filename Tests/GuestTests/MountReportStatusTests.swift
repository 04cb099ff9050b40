import Foundation
import Testing

@testable import Guest

@Suite struct MountReportStatusTests {
    /// The enum keeps the JSON strings reports always had.
    @Test func statusEncodesAsItsOldStrings() throws {
        for (status, text) in [(MountReport.Status.mounted, "mounted"), (.skipped, "skipped")] {
            let report = MountReport(mountPoint: "/", spec: "UUID=x", type: "ext4", status: status)
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            #expect(json.contains("\"status\":\"\(text)\""), "\(json)")
            #expect(try JSONDecoder().decode(MountReport.self, from: Data(json.utf8)).status == status)
        }
    }
}
