import BlockIO

/// The guest's identity from `/etc/os-release`, else `/usr/lib/os-release` (os-release(5)).
///
/// Symlinks are followed inside the guest (`/etc/os-release` → `../usr/lib/os-release` is the
/// usual case); the evidence is the path read and, when different, the file it resolved to.
public struct OSReleaseInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "os-release"
    /// The guest paths this inspector reads.
    public let interest = GuestInterest(["/etc/os-release", "/usr/lib/os-release"])
    /// os-release files are tiny; anything larger is not one.
    static let maximumSize = 64 << 10

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        for path in ["/etc/os-release", "/usr/lib/os-release"] {
            do {
                guard let file = try tree.text(path, limit: Self.maximumSize) else { continue }
                var os = Self.parse(file.text)
                os.evidence = [.path(path)] + (file.resolved != path ? [.path(file.resolved)] : [])
                if os.id == nil { os.unreadable = "\(path) has no ID" }
                facts.os = os
                return
            } catch let e as ImageError {
                // The first file exists but cannot be read: os-release(5) says to use it and
                // only fall back when it is absent, so a broken /etc copy makes the OS unknown.
                facts.os = OSFacts(evidence: [.path(path)], unreadable: e.detail)
                return
            }
        }
        facts.os = OSFacts(
            evidence: [.path("/etc/os-release"), .path("/usr/lib/os-release")],
            unreadable: "no /etc/os-release or /usr/lib/os-release")
    }

    /// `KEY=value` lines, values unquoted (double, single or none; backslash escapes in double quotes).
    static func parse(_ text: String) -> OSFacts {
        var values: [String: String] = [:]
        for line in text.activeLines {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmingASCIIWhitespace()
            var value = String(line[line.index(after: eq)...]).trimmingASCIIWhitespace()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
                if q == "\"" {
                    var out = ""
                    var escaped = false
                    for c in value {
                        if escaped || c != "\\" {
                            out.append(c)
                            escaped = false
                        } else {
                            escaped = true
                        }
                    }
                    value = out
                }
            }
            values[key] = value
        }
        return OSFacts(
            id: values["ID"], idLike: (values["ID_LIKE"] ?? "").words, versionID: values["VERSION_ID"],
            prettyName: values["PRETTY_NAME"])
    }
}
