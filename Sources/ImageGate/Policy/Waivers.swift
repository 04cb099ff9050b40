import Foundation

extension Waiver {
    /// True when this waiver names finding `id` on `image`: `images` is a glob (`*` any
    /// characters, `/` included; `?` one) on the image path as reported, or on its last component.
    public func matches(id: String, image: String) -> Bool {
        guard id == self.id else { return false }
        let name = image.split(separator: "/").last.map(String.init) ?? image
        return fnmatch(images, image, 0) == 0 || fnmatch(images, name, 0) == 0
    }

    /// True once `expires` is over: the waiver holds through its expiry day (UTC) and no longer
    /// from the next day on.
    public func isExpired(at now: Date) -> Bool {
        guard let day = Self.date(expires) else { return true }
        return now >= day.addingTimeInterval(86_400)
    }
}

extension [Waiver] {
    /// `findings` with the waiver that matches each `fail` or `warn` attached: an unexpired one
    /// keeps it out of the verdict; an expired one is shown, and the summary says it no longer
    /// applies. Passes and skips are never waived.
    public func apply(to findings: [Finding], image: String, at now: Date = Date()) -> [Finding] {
        guard !isEmpty else { return findings }
        return findings.map { f in
            guard f.status == .fail || f.status == .warn else { return f }
            let matching = filter { $0.matches(id: f.id, image: image) }
            guard let w = matching.first(where: { !$0.isExpired(at: now) }) ?? matching.first else { return f }
            var out = f
            let expired = w.isExpired(at: now)
            out.waiver = FindingWaiver(
                reason: w.reason, expires: w.expires, source: w.location.description, expired: expired)
            if expired {
                out.summary += " The waiver (\(w.location)) expired after \(w.expires), so this counts again."
            }
            return out
        }
    }

    /// Refuses a waiver whose id names no requirement of the run (a typo would waive nothing).
    public func checkIds(known: Set<String>) throws {
        for w in self where !known.contains(w.id) {
            throw PolicyError(w.location, field: "id", "waiver for '\(w.id)', which is no requirement of this check")
        }
    }
}
