import BlockIO

extension VHDXFormat {
    /// Candidate host paths for the parent, in the order MS-VHDX 2.6.2.6.1 suggests: the
    /// relative path, then the absolute Win32 path's file name beside the child (images copied
    /// together from Windows), then that absolute path mapped to `/` (refused unless allowed).
    static func parentCandidates(_ locator: [String: String]) -> [String] {
        var out: [String] = []
        func unix(_ s: String) -> String { String(s.map { $0 == "\\" ? "/" : $0 }) }
        if let rel = locator["relative_path"], !rel.isEmpty {
            var p = unix(rel)
            while p.hasPrefix("./") { p.removeFirst(2) }
            out.append(p)
        }
        for key in ["absolute_win32_path", "volume_path"] {
            guard let abs = locator[key], !abs.isEmpty else { continue }
            var p = unix(abs)
            // "\\?\C:\x", "C:\x" and "\\?\Volume{guid}\x": drop the prefix and the drive.
            if p.hasPrefix("//?/") { p.removeFirst(4) }
            if p.count >= 2, p.dropFirst().first == ":" { p.removeFirst(2) }
            if p.hasPrefix("Volume{"), let slash = p.firstIndex(of: "/") { p = String(p[slash...]) }
            if let name = p.split(separator: "/").last { out.append(String(name)) }
            if p.hasPrefix("/") { out.append(p) }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Opens the parent named by the locator, checks its DataWriteGuid against `parent_linkage`.
    static func openParent(_ locator: [String: String], childPath: String, context: OpenContext) throws
        -> (device: any BlockDevice, files: [String], notes: [String])
    {
        let candidates = parentCandidates(locator)
        guard !candidates.isEmpty else {
            throw ImageError(layer, .corrupt, "\(childPath): differencing disk whose parent locator names no path")
        }
        var refusal: ImageError?
        var missing: ImageError?
        var chosen: String?
        for c in candidates {
            do {
                _ = try context.resolveReferencedFile(c, layer: layer)
                chosen = c
                break
            } catch let e as ImageError {
                if e.kind == .notFound { missing = missing ?? e } else { refusal = refusal ?? e }
            }
        }
        guard let chosen else {
            throw refusal ?? missing ?? ImageError(layer, .notFound, "parent of \(childPath) not found")
        }
        // Through DiskImage.openReferenced: the policy again, and loop and depth bounds.
        let (parentPath, device, header, files, notes) = try DiskImage.openReferenced(
            chosen, from: childPath, layer: layer, at: nil, context: context
        ) { parentPath, parentFile, childContext in
            let head = try parentFile.read(at: 0, count: Int(min(8, parentFile.size)), layer: layer)
            guard matches(head: head, tail: [], size: parentFile.size) else {
                throw ImageError(layer, .unsupported, "parent \(parentPath) of \(childPath) is not a VHDX file")
            }
            let (d, h, f, n) = try openVHDX(parentFile, path: parentPath, context: childContext)
            return (parentPath, d, h, f, n)
        }
        if let linkage = locator["parent_linkage"] {
            let want = linkage.lowercased().filter { $0 != "{" && $0 != "}" }
            let alternative = locator["parent_linkage2"]?.lowercased().filter { $0 != "{" && $0 != "}" }
            let have = header.dataWriteGUID.description
            guard want == have || alternative == have else {
                throw ImageError(
                    layer, .corrupt,
                    "parent \(parentPath) has DataWriteGuid \(have), but \(childPath) expects \(want) (parent changed since the child was made)"
                )
            }
        }
        return (device, files, notes)
    }
}
