import BlockIO

extension GuestTree {
    /// Those of `paths` that are regular files, each real file once: on a merged-/usr image
    /// `/usr/sbin/x` and `/sbin/x` are one program, named by the first path that reaches it.
    func programs(_ paths: [String]) throws -> [(path: String, resolved: ResolvedPath)] {
        var seen = Set<String>()
        var out: [(path: String, resolved: ResolvedPath)] = []
        for path in paths {
            guard let r = try resolve(path), r.attributes.type == .regular,
                seen.insert(r.guestPath.description).inserted
            else { continue }
            out.append((path, r))
        }
        return out
    }
}

extension GuestTree {
    /// The text of a configuration file that may include others: nil when it does not exist, or
    /// when it cannot be read, which is then recorded in `problems` (the caller judges the rest).
    func text(_ path: String, problems: inout [String]) -> String? {
        do {
            return try text(path)?.text
        } catch let e as ImageError {
            problems.append(e.detail)
        } catch {
            problems.append("\(path): \(error)")
        }
        return nil
    }
}
