import ImageGate

/// Whether one requirement's finding on one image fails its conformance test, and why: the one
/// rule every `@Test` of the suite applies, kept apart so it is tested on real reports.
enum ConformanceVerdict {
    /// What the bundled sample is built to show (`make demo`): these `must`s fail on purpose, so
    /// with no `IMAGEGATE_IMAGES` the suite asserts they fail and `make test` stays green.
    static let sampleDesignedFailures: Set<String> = ["cloud-init", "azure-vm-utils", "udev-rule"]

    /// The failure message for requirement `id` on the image `report` describes, or nil when the
    /// test passes: `fail` fails, `warn` fails only when `strict`, `skip` and `pass` pass. An image
    /// that could not be read, or a report without the id, fails. With `expectedFailures` (the
    /// sample), an id in the set passes only when it fails, and fails the test otherwise.
    static func problem(
        id: String, in report: Report, strict: Bool, expectedFailures: Set<String> = []
    ) -> String? {
        let image = report.image.path
        if report.verdict == .error {
            let e = report.error
            return "\(image): could not be read (\(e?.layer ?? "?") layer): \(e?.message ?? "unknown error")"
        }
        guard let f = report.requirements?.first(where: { $0.id == id }) else {
            return "\(image): the report has no finding for \(id) (profile \(report.profile ?? "?"))"
        }
        let what =
            "\(image): \(id) is \(f.status.rawValue): found \(f.found.isEmpty ? "nothing" : f.found); expected \(f.expected)"
        if expectedFailures.contains(id) {
            return f.status == .fail ? nil : "\(what) (the bundled sample is built to fail \(id))"
        }
        switch f.status {
        case .pass, .skip: return nil
        case .fail: return what + fix(f)
        case .warn: return strict ? what + " (IMAGEGATE_STRICT=1)" + fix(f) : nil
        }
    }

    private static func fix(_ f: Finding) -> String { f.remediation.map { ". Fix: \($0)" } ?? "" }
}
