extension Report {
    /// The report as `--severity` shows it: only the findings whose requirement has one of
    /// `severities`, and the verdict decided by those alone, so what a report shows and the exit
    /// code it asks for always agree (trivy's rule: its exit code also counts only what is shown).
    /// An unreadable image is unchanged (its error is not a finding).
    public func showing(severities: Set<Severity>) -> Report {
        guard error == nil, let findings = requirements else { return self }
        var shown = self
        let kept = findings.filter { severities.contains($0.severity) }
        shown.requirements = kept
        shown.verdict = kept.contains { Self.fails($0, strict: strict == true) } ? .fail : .pass
        return shown
    }
}
