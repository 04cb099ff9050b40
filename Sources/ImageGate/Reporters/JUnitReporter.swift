/// JUnit XML (the Jenkins xUnit `junit-10.xsd`, which GitLab and GitHub test reporters read too).
///
/// One `testsuite` per image, named by the image path, and one `testcase` per requirement whose
/// `classname` is the image path and whose `name` is the requirement id, so a CI that keys rows
/// on classname + name shows images × requirements distinct rows. A finding that fails the
/// verdict is a `failure` (a `fail`, and a `warn` under `--strict`), so every `failures` count
/// agrees with the exit code; `skip` is `skipped`; a `warn` without `--strict` passes with the
/// warning in `system-out`; an unreadable image is one testcase `read-image` with an `error`.
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
                suites += "    <testcase name=\"read-image\" classname=\"\(name)\">\n"
                suites += "      <error type=\"\(xmlEscape(e.layer))\" message=\"\(xmlEscape(e.line))\"/>\n"
                suites += "    </testcase>\n  </testsuite>\n"
                continue
            }
            let findings = r.requirements ?? []
            let f = findings.filter { r.fails($0) }.count
            let s = findings.filter { !r.fails($0) && $0.status == .skip }.count
            total += findings.count
            failures += f
            suites +=
                "  <testsuite name=\"\(name)\" tests=\"\(findings.count)\" failures=\"\(f)\" errors=\"0\" skipped=\"\(s)\">\n"
            suites += "    <properties>\n"
            suites += "      <property name=\"profile\" value=\"\(xmlEscape(r.profile ?? ""))\"/>\n"
            suites += "      <property name=\"format\" value=\"\(xmlEscape(r.image.format ?? ""))\"/>\n"
            suites += "      <property name=\"verdict\" value=\"\(r.verdict.rawValue)\"/>\n"
            suites += "      <property name=\"strict\" value=\"\(r.strict == true)\"/>\n"
            suites += "    </properties>\n"
            for x in findings {
                suites += "    <testcase name=\"\(xmlEscape(x.id))\" classname=\"\(name)\">\n"
                let detail =
                    "\(x.summary)\nfound: \(x.found)\nexpected: \(x.expected)\nevidence: \(x.evidence.joined(separator: ", "))"
                    + (x.remediation.map { "\nfix: \($0)" } ?? "")
                if r.fails(x) {
                    let message = xmlEscape("\(x.status.rawValue): \(x.summary)")
                    suites +=
                        "      <failure type=\"\(x.severity.rawValue)\" message=\"\(message)\">\(xmlEscape(detail))</failure>\n"
                } else if x.status == .skip {
                    suites += "      <skipped message=\"\(xmlEscape(x.summary))\"/>\n"
                } else {
                    let prefix = x.status == .warn ? "WARN: " : ""
                    suites += "      <system-out>\(prefix)\(xmlEscape(detail))</system-out>\n"
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
