import Yams

/// A YAML node with the field path that reached it, read strictly: every accessor throws a
/// `PolicyError` naming file, line, column and field when the shape is not the one asked for.
/// Policy files and the config file are read through it, so both report mistakes the same way.
struct StrictNode {
    let node: Node
    let field: String
    let file: String

    /// The first document of `text`; a YAML syntax error or a duplicate key is a `PolicyError`.
    static func parse(_ text: String, file: String) throws -> StrictNode? {
        do {
            guard let root = try Yams.compose(yaml: text) else { return nil }
            return StrictNode(node: root, field: "", file: file)
        } catch let e as YamlError {
            throw Self.error(e, file: file)
        }
    }

    static func error(_ e: YamlError, file: String) -> PolicyError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return PolicyError(
                SourceLocation(file: file, line: mark.line, column: mark.column), field: "",
                "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let keys, let context):
            return PolicyError(
                SourceLocation(file: file, line: context.mark.line, column: context.mark.column), field: "",
                "duplicate key \(keys.joined(separator: ", "))")
        default:
            return PolicyError(SourceLocation(file: file, line: 1, column: 1), field: "", "not valid YAML: \(e)")
        }
    }

    var location: SourceLocation {
        let m = node.mark
        return SourceLocation(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
    }

    func fail(_ message: String) -> PolicyError { PolicyError(location, field: field, message) }

    private func child(_ node: Node, _ name: String) -> StrictNode {
        StrictNode(node: node, field: field.isEmpty ? name : field + "." + name, file: file)
    }

    /// The keys of a mapping, each known; an unknown key is an error at that key.
    func mapping(allowed: [String]) throws -> [String: (key: StrictNode, value: StrictNode)] {
        guard let m = node.mapping else { throw fail("expected a mapping (key: value lines)") }
        var out: [String: (key: StrictNode, value: StrictNode)] = [:]
        for (k, v) in m {
            guard let name = k.scalar?.string else { throw child(k, "?").fail("a key must be a plain string") }
            let key = child(k, name)
            guard allowed.contains(name) else {
                throw key.fail("unknown key '\(name)'; allowed here: \(allowed.joined(separator: ", "))")
            }
            out[name] = (key, child(v, name))
        }
        return out
    }

    /// The items of a sequence.
    func sequence() throws -> [StrictNode] {
        guard let s = node.sequence else { throw fail("expected a list (lines starting with '- ')") }
        return s.enumerated().map { i, n in StrictNode(node: n, field: "\(field)[\(i)]", file: file) }
    }

    /// A scalar as written (`0644` stays `0644`, `1` stays `1`), not empty.
    func string() throws -> String {
        guard let s = node.scalar?.string else { throw fail("expected a single value") }
        guard !s.isEmpty else { throw fail("must not be empty") }
        return s
    }

    /// One string or a list of strings.
    func strings() throws -> [String] {
        if node.sequence != nil {
            let items = try sequence().map { try $0.string() }
            guard !items.isEmpty else { throw fail("must not be an empty list") }
            return items
        }
        return [try string()]
    }

    /// `true`; `false` is refused (leave the key out instead), so a flag never means its opposite.
    func flag() throws -> Bool {
        let s = try string()
        guard ["true", "True", "TRUE"].contains(s) else {
            throw fail("write '\(field.split(separator: ".").last ?? ""): true', or leave the key out (got '\(s)')")
        }
        return true
    }
}

extension [String: (key: StrictNode, value: StrictNode)] {
    /// The value of a key that must be there.
    func required(_ name: String, in parent: StrictNode) throws -> StrictNode {
        guard let v = self[name]?.value else { throw parent.fail("missing required key '\(name)'") }
        return v
    }
}
