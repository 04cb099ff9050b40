import Foundation
import ImageGate
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// JUnit per image: GitLab and Jenkins key rows on classname + name, so three images must give
/// three times as many distinct rows, and `failures` must agree with the exit code.
@Suite struct JUnitReporterTests {
    /// (classname, name) of every testcase, and the attributes of every testsuite and of testsuites.
    struct Parsed {
        var cases: [(classname: String, name: String, children: [String])] = []
        var suites: [[String: String]] = []
        var root: [String: String] = [:]
    }

    final class Collector: NSObject, XMLParserDelegate {
        var parsed = Parsed()
        func parser(
            _ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
            attributes a: [String: String] = [:]
        ) {
            switch e {
            case "testsuites": parsed.root = a
            case "testsuite": parsed.suites.append(a)
            case "testcase": parsed.cases.append((a["classname"] ?? "", a["name"] ?? "", []))
            case "failure", "error", "skipped", "system-out":
                if !parsed.cases.isEmpty { parsed.cases[parsed.cases.count - 1].children.append(e) }
            default: break
            }
        }
    }

    static func parse(_ data: Data) -> Parsed {
        let c = Collector()
        let p = XMLParser(data: data)
        p.delegate = c
        #expect(p.parse())
        return c.parsed
    }

    static func validate(_ data: Data) throws {
        let file = try Tools.temporaryFile(data, suffix: ".xml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try Tools.run(["xmllint", "--noout", "--schema", try Fixtures.shared("schemas/junit-10.xsd"), file])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func threeImagesGiveThreeTimesNDistinctRows() throws {
        let reports = ReporterTests.threeImages()
        let data = try ReportFormat.junit.render(reports)
        try Self.validate(data)
        let p = Self.parse(data)
        let n = reports[0].requirements?.count ?? 0
        #expect(p.cases.count == 3 * n)
        #expect(Set(p.cases.map { "\($0.classname)\u{0}\($0.name)" }).count == 3 * n)
        #expect(p.suites.map { $0["name"] ?? "" } == ["images/a.vhd", "images/b.qcow2", "c.vmdk"])
        #expect(Set(p.cases.map(\.classname)) == ["images/a.vhd", "images/b.qcow2", "c.vmdk"])
    }

    @Test func oneImageValidates() throws {
        let data = try ReportFormat.junit.render([ReporterTests.reports[0]])
        try Self.validate(data)
        #expect(Self.parse(data).cases.count == ReporterTests.reports[0].requirements?.count)
    }

    @Test(arguments: [false, true])
    func failuresAgreeWithTheExitCode(strict: Bool) throws {
        let warnOnly = ReporterTests.reports[0].requirements!.filter { $0.status != .fail }
        let r = Report(image: .init(path: "w.vhd"), profile: "p", findings: warnOnly, facts: .null, strict: strict)
        let data = try ReportFormat.junit.render([r])
        try Self.validate(data)
        let p = Self.parse(data)
        let failures = Int(p.root["failures"] ?? "") ?? -1
        #expect((failures > 0) == (r.exitCode == 1), "failures=\(failures), exit \(r.exitCode)")
        #expect(p.suites.first?["failures"] == p.root["failures"])
        let warn = p.cases.first { $0.name == "networkd-unmanaged" }
        #expect(warn?.children == (strict ? ["failure"] : ["system-out"]))
    }

    @Test func anUnreadableImageIsAnError() throws {
        let data = try ReportFormat.junit.render(ReporterTests.reports)
        try Self.validate(data)
        let p = Self.parse(data)
        let broken = p.cases.filter { $0.classname == "/data/broken.qcow2" }
        #expect(broken.count == 1)
        #expect(broken.first?.children == ["error"])
        #expect(p.root["errors"] == "1")
    }
}
