/// JUnit XML (the Jenkins xUnit `junit-10.xsd`): one `testsuite` per image, one `testcase` per
/// requirement named by its id; `fail` is a failure, `skip` skipped, `warn` a pass with the
/// warning in `system-out`; an unreadable image is one testcase with an error.
public enum JUnitReporter {
    public static func render(_ reports: [Report]) -> String {
        var suites = ""
        var total = 0
        var failures = 0
        var errors = 0
        for r in reports {
            let name = xmlEscape(r.image.path)
            if let e = r.error {
                total += 1
                errors += 1
                suites += "  <testsuite name=\"\(name)\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
                suites += "    <testcase name=\"read-image\" classname=\"imagegate.\(xmlEscape(r.profile ?? "image"))\">\n"
                suites += "      <error type=\"\(xmlEscape(e.layer))\" message=\"\(xmlEscape(e.message))\"/>\n"
                suites += "    </testcase>\n  </testsuite>\n"
                continue
            }
            let findings = r.requirements ?? []
            let f = findings.filter { $0.status == .fail }.count
            let s = findings.filter { $0.status == .skip }.count
            total += findings.count
            failures += f
            suites += "  <testsuite name=\"\(name)\" tests=\"\(findings.count)\" failures=\"\(f)\" errors=\"0\" skipped=\"\(s)\">\n"
            suites += "    <properties>\n"
            suites += "      <property name=\"profile\" value=\"\(xmlEscape(r.profile ?? ""))\"/>\n"
            suites += "      <property name=\"format\" value=\"\(xmlEscape(r.image.format ?? ""))\"/>\n"
            suites += "      <property name=\"verdict\" value=\"\(r.verdict.rawValue)\"/>\n"
            suites += "    </properties>\n"
            for x in findings {
                let cls = "imagegate.\(xmlEscape(r.profile ?? "profile"))"
                suites += "    <testcase name=\"\(xmlEscape(x.id))\" classname=\"\(cls)\">\n"
                let detail = "\(x.summary)\nfound: \(x.found)\nexpected: \(x.expected)\nevidence: \(x.evidence.joined(separator: ", "))"
                    + (x.remediation.map { "\nfix: \($0)" } ?? "")
                switch x.status {
                case .fail:
                    suites += "      <failure type=\"\(x.severity.rawValue)\" message=\"\(xmlEscape(x.summary))\">\(xmlEscape(detail))</failure>\n"
                case .skip:
                    suites += "      <skipped message=\"\(xmlEscape(x.summary))\"/>\n"
                case .warn:
                    suites += "      <system-out>WARN: \(xmlEscape(detail))</system-out>\n"
                case .pass:
                    suites += "      <system-out>\(xmlEscape(detail))</system-out>\n"
                }
                suites += "    </testcase>\n"
            }
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"imagegate\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
            + suites + "</testsuites>\n"
    }
}
