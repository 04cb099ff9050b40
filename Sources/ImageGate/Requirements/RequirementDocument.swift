extension Profile {
    /// The repository file that states this profile's rules, one heading per requirement id:
    /// `docs/REQUIREMENTS.md` for the first profile (it predates the others), and
    /// `docs/PROFILE-<NAME>.md` for every other (`azure-image`: `docs/PROFILE-AZURE-IMAGE.md`).
    /// Derived from the name, so a new profile needs no entry here, only its document.
    public var document: String {
        name == Profile.azureAcceleratedNetworking.name
            ? "docs/REQUIREMENTS.md" : "docs/PROFILE-\(name.uppercased()).md"
    }
}

extension Requirement {
    /// Where this repository documents the requirement, relative to its root: its profile's
    /// document and the anchor GitHub gives that requirement's heading (`### \`cloud-init\`` →
    /// `#cloud-init`), e.g. `docs/REQUIREMENTS.md#cloud-init`. nil for an id no profile holds.
    public var documentation: String? {
        guard let profile = Profile.all.first(where: { $0.requirements.contains { $0.id == id } }) else { return nil }
        return profile.document + "#" + Self.anchor(heading: "`\(id)`")
    }

    /// GitHub's anchor for a Markdown heading: lower-cased, punctuation (backticks too) dropped
    /// except `-` and `_`, spaces made `-`.
    public static func anchor(heading: String) -> String {
        var slug = ""
        for c in heading.lowercased() {
            if c.isLetter || c.isNumber || c == "-" || c == "_" { slug.append(c) } else if c == " " { slug.append("-") }
        }
        return slug
    }
}
