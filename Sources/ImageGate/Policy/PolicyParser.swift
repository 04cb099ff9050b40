import Foundation

extension Policy {
    /// The only `schemaVersion` this build reads.
    public static let schemaVersion = "1"
    /// Ids of policy requirements: lower case letters, digits, `.`, `_` and `-`, starting with a
    /// letter or digit, at most 64 characters (as in `schema/policy.schema.json`).
    public static let idPattern = "^[a-z0-9][a-z0-9._-]{0,63}$"
    static let ruleKinds = ["package", "file", "module", "unit", "sysctl", "kernelCmdline"]

    /// Reads a policy file. Strict: an unknown key, a missing one, a bad value, a bad regular
    /// expression or a duplicate id is a `PolicyError` naming file, line, column and field.
    public static func parse(_ text: String, file: String) throws -> Policy {
        guard let root = try StrictNode.parse(text, file: file) else {
            throw PolicyError(SourceLocation(file: file, line: 1, column: 1), field: "", "empty policy file")
        }
        let top = try root.mapping(allowed: ["schemaVersion", "name", "requirements", "waivers"])
        let version = try top.required("schemaVersion", in: root)
        guard try version.string() == schemaVersion else {
            throw version.fail("this imagegate reads schemaVersion \(schemaVersion)")
        }
        var policy = Policy(file: file, name: try top["name"]?.value.string())
        var seen: [String: SourceLocation] = [:]
        for item in try top["requirements"]?.value.sequence() ?? [] {
            let rule = try parseRule(item)
            if let first = seen[rule.id] {
                throw PolicyError(
                    rule.location, field: item.field + ".id", "duplicate id '\(rule.id)' (first at \(first))")
            }
            seen[rule.id] = rule.location
            policy.rules.append(rule)
        }
        policy.waivers = try top["waivers"]?.value.sequence().map(Waiver.parse) ?? []
        guard !policy.rules.isEmpty || !policy.waivers.isEmpty else {
            throw root.fail("a policy needs at least one entry under 'requirements' or 'waivers'")
        }
        return policy
    }

    /// The largest policy or config file read (a long policy is a few KiB).
    public static let maximumFileSize = 4 << 20

    /// Reads the policy file at `path`; an unreadable file is a `PolicyError` too.
    public static func load(_ path: String) throws -> Policy {
        try parse(try text(path), file: path)
    }

    /// The UTF-8 text of a policy or config file, at most `maximumFileSize` bytes.
    static func text(_ path: String) throws -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
        guard size <= UInt64(maximumFileSize) else {
            throw PolicyError(
                SourceLocation(file: path, line: 0, column: 0), field: "",
                "too large: \(size) bytes (limit \(maximumFileSize))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(SourceLocation(file: path, line: 0, column: 0), field: "", "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(SourceLocation(file: path, line: 1, column: 1), field: "", "not UTF-8 text")
        }
        return text
    }

    static func parseRule(_ item: StrictNode) throws -> PolicyRule {
        let m = try item.mapping(allowed: ["id", "title", "severity", "remediation", "reference"] + ruleKinds)
        let idNode = try m.required("id", in: item)
        let id = try idNode.string()
        guard id.wholeMatch(of: try Regex(idPattern)) != nil else {
            throw idNode.fail("'\(id)' is not a valid id (lower case letters, digits, '.', '_', '-'; at most 64)")
        }
        let severityNode = try m.required("severity", in: item)
        guard let severity = Severity(rawValue: try severityNode.string()) else {
            throw severityNode.fail("expected 'must' or 'should'")
        }
        let kinds = ruleKinds.filter { m[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let body = m[kind]?.value else {
            throw item.fail(
                kinds.isEmpty
                    ? "missing the rule: one of \(ruleKinds.joined(separator: ", "))"
                    : "one rule per requirement, found \(kinds.joined(separator: " and "))")
        }
        return PolicyRule(
            id: id, title: try m.required("title", in: item).string(), severity: severity,
            remediation: try m.required("remediation", in: item).string(),
            reference: try m["reference"]?.value.string(),
            check: try parseCheck(kind, body), location: idNode.location)
    }

    static func parseCheck(_ kind: String, _ body: StrictNode) throws -> PolicyCheck {
        switch kind {
        case "package":
            let m = try body.mapping(allowed: ["name", "atLeast", "below", "absent"])
            let name = try m.required("name", in: body).string()
            let atLeast = try m["atLeast"]?.value.string()
            let below = try m["below"]?.value.string()
            let absent = try m["absent"]?.value.flag() ?? false
            guard absent != (atLeast != nil || below != nil) else {
                throw body.fail(
                    absent
                        ? "'absent' cannot be combined with 'atLeast' or 'below'"
                        : "give 'atLeast', 'below' or 'absent: true'")
            }
            return .package(name: name, atLeast: atLeast, below: below, absent: absent)
        case "file":
            let m = try body.mapping(allowed: ["path", "exists", "absent", "contains", "notContains", "mode", "owner"])
            let pathNode = try m.required("path", in: body)
            let path = try pathNode.string()
            guard path.hasPrefix("/"), !path.contains(where: { "*?[".contains($0) }),
                !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
            else { throw pathNode.fail("expected an absolute guest path without globs, '.' or '..'") }
            var check = FileCheck(path: path)
            check.absent = try m["absent"]?.value.flag() ?? false
            let exists = try m["exists"]?.value.flag() ?? false
            check.contains = try regexes(m["contains"]?.value)
            check.notContains = try regexes(m["notContains"]?.value)
            if let modeNode = m["mode"]?.value {
                let mode = try modeNode.string()
                guard mode.wholeMatch(of: /[0-7]{3,4}/) != nil else {
                    throw modeNode.fail("expected 3 or 4 octal digits (0644), got '\(mode)'")
                }
                check.mode = mode.count == 3 ? "0" + mode : mode
            }
            if let ownerNode = m["owner"]?.value {
                let owner = try ownerNode.string()
                guard
                    owner.wholeMatch(
                        of: /[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?|:[A-Za-z0-9_][A-Za-z0-9_.-]*/)
                        != nil
                else {
                    throw ownerNode.fail("expected 'user', 'user:group' or ':group' (names or numbers), got '\(owner)'")
                }
                check.owner = owner
            }
            let others =
                exists || !check.contains.isEmpty || !check.notContains.isEmpty || check.mode != nil
                || check.owner != nil
            if check.absent && others { throw body.fail("'absent' cannot be combined with other checks") }
            if !check.absent && !others {
                throw body.fail("give at least one of exists, absent, contains, notContains, mode, owner")
            }
            return .file(check)
        case "module":
            let m = try body.mapping(allowed: ["name", "config"])
            let nameNode = try m.required("name", in: body)
            let name = try nameNode.string()
            guard name.wholeMatch(of: /[A-Za-z0-9_-]+/) != nil else {
                throw nameNode.fail("not a module name: '\(name)'")
            }
            var config: [String] = []
            if let node = m["config"]?.value {
                config = try node.strings()
                if let bad = config.first(where: { $0.wholeMatch(of: /CONFIG_[A-Z0-9_]+/) == nil }) {
                    throw node.fail("expected CONFIG_ symbols, got '\(bad)'")
                }
            }
            return .module(name: name, config: config)
        case "unit":
            let m = try body.mapping(allowed: ["name"] + PolicyCheck.UnitState.allCases.map(\.rawValue))
            var name = try m.required("name", in: body).string()
            if !name.contains(".") { name += ".service" }
            let states = try PolicyCheck.UnitState.allCases.filter { try m[$0.rawValue]?.value.flag() ?? false }
            guard states.count == 1 else { throw body.fail("give exactly one of enabled, disabled, masked") }
            return .unit(name: name, state: states[0])
        case "sysctl":
            let m = try body.mapping(allowed: ["key", "equals"])
            let key = try m.required("key", in: body).string()
            return .sysctl(key: key, equals: try m.required("equals", in: body).string())
        default:
            let m = try body.mapping(allowed: ["contains", "notContains"])
            func parameters(_ key: String) throws -> [String] {
                guard let node = m[key]?.value else { return [] }
                let list = try node.strings()
                if let bad = list.first(where: { $0.contains(where: \.isWhitespace) }) {
                    throw node.fail("one kernel parameter per item, got '\(bad)'")
                }
                return list
            }
            let contains = try parameters("contains")
            let notContains = try parameters("notContains")
            guard !contains.isEmpty || !notContains.isEmpty else { throw body.fail("give 'contains' or 'notContains'") }
            return .kernelCmdline(contains: contains, notContains: notContains)
        }
    }

    /// Regular expressions, each compiled once here so a bad one is a usage error.
    static func regexes(_ node: StrictNode?) throws -> [String] {
        guard let node else { return [] }
        let items = try node.strings()
        for p in items {
            do {
                _ = try Regex(p)
            } catch {
                throw node.fail("not a valid regular expression: '\(p)': \(error)")
            }
        }
        return items
    }
}

extension Waiver {
    /// One `waivers:` item: `{id, images, reason, expires}`.
    static func parse(_ item: StrictNode) throws -> Waiver {
        let m = try item.mapping(allowed: ["id", "images", "reason", "expires"])
        let idNode = try m.required("id", in: item)
        let expiresNode = try m.required("expires", in: item)
        let expires = try expiresNode.string()
        guard expires.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil, Waiver.date(expires) != nil else {
            throw expiresNode.fail("expected a date YYYY-MM-DD, got '\(expires)'")
        }
        return Waiver(
            id: try idNode.string(), images: try m["images"]?.value.string() ?? "*",
            reason: try m.required("reason", in: item).string(), expires: expires, location: idNode.location)
    }

    /// Midnight UTC of a `YYYY-MM-DD` date; nil when it is not a calendar date.
    static func date(_ s: String) -> Date? {
        let parts = s.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var c = DateComponents()
        c.year = parts[0]
        c.month = parts[1]
        c.day = parts[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard let d = calendar.date(from: c), calendar.component(.day, from: d) == parts[2],
            calendar.component(.month, from: d) == parts[1]
        else { return nil }
        return d
    }
}

extension Policy {
    /// Refuses a policy id that is a built-in requirement's, or that two policies both use.
    public static func checkIds(_ policies: [Policy]) throws {
        let builtIn = Set(Requirement.catalog.map(\.id))
        var seen: [String: SourceLocation] = [:]
        for rule in policies.flatMap(\.rules) {
            if builtIn.contains(rule.id) {
                throw PolicyError(
                    rule.location, field: "id", "'\(rule.id)' is the id of a built-in requirement; choose another")
            }
            if let first = seen[rule.id] {
                throw PolicyError(rule.location, field: "id", "duplicate id '\(rule.id)' (first at \(first))")
            }
            seen[rule.id] = rule.location
        }
    }
}
