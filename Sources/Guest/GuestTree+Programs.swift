extension GuestTree {
    /// Those of `paths` that are regular files, each real file once: on a merged-/usr image
    /// `/usr/sbin/x` and `/sbin/x` are one program, named by the first path that reaches it.
    func programs(_ paths: [String]) throws -> [(path: String, resolved: ResolvedPath)] {
        var seen = Set<String>()
        var out: [(path: String, resolved: ResolvedPath)] = []
        for path in paths {
            guard let r = try resolve(path), r.attributes.type == .regular, seen.insert(r.guestPath.description).inserted
            else { continue }
            out.append((path, r))
        }
        return out
    }
}
