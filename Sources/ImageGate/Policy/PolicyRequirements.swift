import Guest
import PackageDatabases

extension Policy {
    /// The policy's rules as requirements, in file order, reported after the profile's.
    public var requirements: [Requirement] { rules.map { $0.requirement(file: file, policyName: name) } }

    /// What inspection must gather for these rules (requirements never open files).
    public var declaredInterest: DeclaredInterest {
        var d = DeclaredInterest()
        for rule in rules {
            switch rule.check {
            case .package(let name, _, _, _): d.packages.insert(name)
            case .module(let name, let config): d.modules[name, default: []] += config
            case .file(let f):
                let needsNames = [f.ownerParts.user, f.ownerParts.group].contains {
                    $0.map { UInt32($0) == nil } ?? false
                }
                d.formUnion(
                    DeclaredInterest(files: [
                        f.path: DeclaredFile(patterns: f.contains + f.notContains, needsOwnerNames: needsNames)
                    ]))
            case .unit, .sysctl, .kernelCmdline: break
            }
        }
        return d
    }
}

extension [Policy] {
    /// Everything these policies declare.
    public var declaredInterest: DeclaredInterest {
        reduce(into: DeclaredInterest()) { $0.formUnion($1.declaredInterest) }
    }
}

extension PolicyRule {
    /// The rule as a requirement: a `must` not met fails, a `should` not met warns, and what
    /// cannot be decided from the image skips with the reason.
    func requirement(file: String, policyName: String?) -> Requirement {
        let unmet: Status = severity == .must ? .fail : .warn
        let source = reference ?? "policy file \(file)" + (policyName.map { " (\($0))" } ?? "")
        let check = self.check
        return Requirement(
            id: id, title: title, severity: severity, expected: check.expected, reference: source,
            remediation: remediation
        ) { ctx in check.evaluate(ctx.facts, unmet: unmet) }
    }
}

extension PolicyCheck {
    /// What is expected, in words.
    var expected: String {
        switch self {
        case .package(let name, let atLeast, let below, let absent):
            if absent { return "package \(name) not installed" }
            return "package \(name) installed" + (atLeast.map { " at \($0) or later" } ?? "")
                + (below.map { (atLeast == nil ? " at a version" : " and") + " below \($0)" } ?? "")
        case .file(let f):
            if f.absent { return "nothing at \(f.path)" }
            var parts: [String] = []
            if let m = f.mode { parts.append("mode \(m)") }
            if let o = f.owner { parts.append("owner \(o)") }
            parts += f.contains.map { "content matching /\($0)/" }
            parts += f.notContains.map { "no content matching /\($0)/" }
            return "\(f.path) exists" + (parts.isEmpty ? "" : " with " + parts.joined(separator: ", "))
        case .module(let name, let config):
            return "module \(name) present for every bootable kernel (module file, modules.builtin"
                + (config.isEmpty ? ")" : " or \(config.map { "\($0)=y" }.joined(separator: " and ")))")
        case .unit(let name, let state): return "unit \(name) \(state.rawValue)"
        case .sysctl(let key, let value): return "\(key) = \(value) after sysctl.d"
        case .kernelCmdline(let contains, let notContains):
            return (contains + notContains.map { "no \($0)" }).joined(separator: ", ")
                + " on the default boot entry's kernel command line"
        }
    }

    func evaluate(_ facts: GuestFacts, unmet: Status) -> Outcome {
        switch self {
        case .package(let name, let atLeast, let below, let absent):
            return Self.package(facts, name: name, atLeast: atLeast, below: below, absent: absent, unmet: unmet)
        case .file(let f): return Self.file(facts, f, unmet: unmet)
        case .module(let name, _): return Self.module(facts, name: name, unmet: unmet)
        case .unit(let name, let state): return Self.unit(facts, name: name, state: state, unmet: unmet)
        case .sysctl(let key, let value): return Self.sysctl(facts, key: key, equals: value, unmet: unmet)
        case .kernelCmdline(let contains, let notContains):
            return Self.kernelCmdline(facts, contains: contains, notContains: notContains, unmet: unmet)
        }
    }

    /// A version with an epoch (`1:`) or a revision/release (`-`) is compared with the full
    /// installed version; a bare one (`9.2`) with the upstream part, as a reader means it.
    static func compare(_ p: PackageFact, _ version: String) -> Int {
        version.contains(":") || version.contains("-") ? p.compareVersion(to: version) : p.compareUpstream(to: version)
    }

    static func package(
        _ facts: GuestFacts, name: String, atLeast: String?, below: String?, absent: Bool, unmet: Status
    ) -> Outcome {
        let db = facts.packageDatabase
        guard db.isReadable else {
            if db.isMissing && !absent {
                return Outcome(
                    unmet, found: "no package database", evidence: db.evidence,
                    summary: "\(name) is not recorded: \(db.missingSummary).")
            }
            let why =
                db.isMissing
                ? db.missingSummary : "the \(db.kind ?? "package") database is \(db.unreadable ?? "not readable")"
            return Outcome(
                .skip, found: why, evidence: db.evidence, summary: "Cannot tell whether \(name) is installed: \(why).")
        }
        let installed = facts.packages(named: name)
        let found =
            installed.isEmpty
            ? "\(name) not installed"
            : installed.map { "\($0.name) \($0.fullVersion) (\($0.manager.rawValue))" }.joined(separator: ", ")
        let evidence = installed.flatMap(\.evidence) + db.evidence
        if absent {
            return installed.isEmpty
                ? Outcome(.pass, found: found, evidence: evidence, summary: "\(name) is not installed.")
                : Outcome(unmet, found: found, evidence: evidence, summary: "\(name) is installed.")
        }
        guard let best = installed.max(by: { $0.compareVersion(to: $1.fullVersion) < 0 }) else {
            return Outcome(unmet, found: found, evidence: evidence, summary: "\(name) is not installed.")
        }
        if let atLeast, compare(best, atLeast) < 0 {
            return Outcome(
                unmet, found: found, evidence: evidence,
                summary: "\(name) \(best.fullVersion) is older than \(atLeast).")
        }
        if let below, compare(best, below) >= 0 {
            return Outcome(
                unmet, found: found, evidence: evidence, summary: "\(name) \(best.fullVersion) is not below \(below).")
        }
        return Outcome(
            .pass, found: found, evidence: evidence, summary: "\(name) \(best.fullVersion) is installed, as required.")
    }

    static func file(_ facts: GuestFacts, _ check: FileCheck, unmet: Status) -> Outcome {
        guard let f = facts.declaredFiles?.first(where: { $0.path == check.path }) else {
            return Outcome(.skip, found: "not inspected", summary: "\(check.path) was not declared to inspection.")
        }
        let evidence: [Evidence] = [.path(f.resolved ?? f.path)]
        if check.absent {
            return f.exists
                ? Outcome(
                    unmet, found: "\(f.type ?? "file") at \(f.path)", evidence: evidence, summary: "\(f.path) exists.")
                : Outcome(
                    .pass, found: "nothing at \(f.path)", evidence: evidence,
                    summary: "\(f.path) is absent, as required.")
        }
        guard f.exists else {
            let why = f.unreadable.map { "cannot be read: \($0)" } ?? "does not exist"
            return Outcome(
                f.unreadable == nil ? unmet : .skip, found: "nothing at \(f.path)", evidence: evidence,
                summary: "\(f.path) \(why).")
        }
        let owner = "\(f.user ?? "uid \(f.uid ?? 0)"):\(f.group ?? "gid \(f.gid ?? 0)")"
        let found = "\(f.type ?? "file") \(f.resolved ?? f.path), mode \(f.mode ?? "?"), owner \(owner)"
        var wrong: [String] = []
        if let mode = check.mode, f.mode != mode { wrong.append("mode is \(f.mode ?? "?"), not \(mode)") }
        let (user, group) = check.ownerParts
        if let user, !Self.same(user, id: f.uid, name: f.user) {
            wrong.append("owner is \(f.user ?? "uid \(f.uid ?? 0)"), not \(user)")
        }
        if let group, !Self.same(group, id: f.gid, name: f.group) {
            wrong.append("group is \(f.group ?? "gid \(f.gid ?? 0)"), not \(group)")
        }
        for (patterns, wanted) in [(check.contains, true), (check.notContains, false)] {
            for p in patterns {
                guard let m = f.matches.first(where: { $0.pattern == p }) else {
                    let why = f.unreadable ?? "\(f.path) is a \(f.type ?? "file"), not a regular file"
                    return Outcome(
                        .skip, found: found, evidence: evidence, summary: "Cannot search \(f.path) for /\(p)/: \(why).")
                }
                if wanted && m.line == nil { wrong.append("nothing matches /\(p)/") }
                if !wanted, let line = m.line { wrong.append("/\(p)/ matches at line \(line)") }
            }
        }
        guard wrong.isEmpty else {
            return Outcome(
                unmet, found: found, evidence: evidence, summary: "\(f.path): " + wrong.joined(separator: "; ") + ".")
        }
        return Outcome(.pass, found: found, evidence: evidence, summary: "\(f.path) is as required.")
    }

    /// A number compares with the id, a name with the guest's name for the id.
    static func same(_ wanted: String, id: UInt32?, name: String?) -> Bool {
        if let n = UInt32(wanted) { return n == id }
        return wanted == name
    }

    static func module(_ facts: GuestFacts, name: String, unmet: Status) -> Outcome {
        let kernels = facts.kernels.filter(\.isBootable).isEmpty ? facts.kernels : facts.kernels.filter(\.isBootable)
        guard !kernels.isEmpty else {
            return Outcome(
                unmet, found: "no kernel", evidence: [.path("/lib/modules")],
                summary: "No kernel was found, so no \(name) either.")
        }
        let wanted = String(name.map { $0 == "-" ? "_" : $0 })
        var parts: [String] = []
        var evidence: [Evidence] = []
        var missing: [String] = []
        for k in kernels {
            guard let m = k.declaredModules?.first(where: { $0.name == wanted }) else {
                return Outcome(.skip, found: "not inspected", summary: "\(name) was not declared to inspection.")
            }
            parts.append("\(k.release): \(m.summary)" + (m.note.map { " (\($0))" } ?? ""))
            evidence += m.evidence
            if m.presence == .missing { missing.append(k.release) }
        }
        let found = parts.joined(separator: "; ")
        guard missing.isEmpty else {
            return Outcome(
                unmet, found: found, evidence: evidence,
                summary: "\(name) is missing for \(missing.joined(separator: ", ")).")
        }
        return Outcome(
            .pass, found: found, evidence: evidence, summary: "\(name) is present for every bootable kernel.")
    }

    static func unit(_ facts: GuestFacts, name: String, state: UnitState, unmet: Status) -> Outcome {
        let u = facts.network.units.first { $0.name == name }
        let enabled = u?.enabled == true
        let masked = u?.masked == true
        let now = masked ? "masked" : enabled ? "enabled" : "not enabled"
        let evidence = u?.evidence ?? SystemdUnitsInspector.unitDirectories.map(Evidence.path)
        let ok =
            switch state {
            case .enabled: enabled && !masked
            // A masked unit cannot start either, so it counts as disabled.
            case .disabled: !enabled || masked
            case .masked: masked
            }
        let found = "\(name) \(now)" + (u?.problem.map { " (\($0))" } ?? "")
        return ok
            ? Outcome(.pass, found: found, evidence: evidence, summary: "\(name) is \(now), as required.")
            : Outcome(
                unmet, found: found, evidence: evidence,
                summary: "\(name) is \(now); the policy asks for it \(state.rawValue).")
    }

    static func sysctl(_ facts: GuestFacts, key: String, equals: String, unmet: Status) -> Outcome {
        let s = facts.sysctl
        guard let a = s.effective(key) else {
            return Outcome(
                unmet, found: "\(key) unset",
                evidence: s.files.isEmpty ? SysctlFacts.directories.map(Evidence.path) : s.files,
                summary:
                    "No sysctl.d file sets \(key), so the kernel default applies; the policy asks for \(equals) to be set."
            )
        }
        let found = "\(key) = \(a.value) (\(a.location))"
        // sysctl values with several fields (`4096 87380 6291456`) compare field by field.
        guard a.value.words == equals.words else {
            return Outcome(
                unmet, found: found, evidence: [a.evidence],
                summary: "\(key) is \(a.value) in \(a.location), not \(equals).")
        }
        return Outcome(
            .pass, found: found, evidence: [a.evidence], summary: "\(key) is \(equals) after sysctl.d (\(a.location)).")
    }

    /// True when `parameter` is on `line`: `key=value` as that exact word, a bare `key` also as `key=…`.
    static func has(_ line: [String], _ parameter: String) -> Bool {
        line.contains { $0 == parameter || (!parameter.contains("=") && $0.hasPrefix(parameter + "=")) }
    }

    static func kernelCmdline(_ facts: GuestFacts, contains: [String], notContains: [String], unmet: Status) -> Outcome
    {
        let boot = facts.boot
        guard let text = boot.commandLine, let source = boot.commandLineSource else {
            return Outcome(
                .skip, found: "no command line", evidence: boot.evidence,
                summary:
                    "The default boot entry's command line cannot be told: \(boot.unknownReason ?? "no bootloader configuration")."
            )
        }
        let line = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let found =
            line.isEmpty ? "empty command line (\(source.value))" : line.joined(separator: " ") + " (\(source.value))"
        let missing = contains.filter { !has(line, $0) }
        let present = notContains.filter { has(line, $0) }
        guard missing.isEmpty && present.isEmpty else {
            let parts =
                (missing.isEmpty ? [] : ["lacks " + missing.joined(separator: ", ")])
                + (present.isEmpty ? [] : ["has " + present.joined(separator: ", ")])
            return Outcome(
                unmet, found: found, evidence: [source],
                summary: "The default entry's command line " + parts.joined(separator: " and ") + ".")
        }
        return Outcome(
            .pass, found: found, evidence: [source], summary: "The default entry's command line is as required.")
    }
}

extension String {
    /// Blank-separated fields.
    fileprivate var words: [Substring] { split(whereSeparator: { $0 == " " || $0 == "\t" }) }
}
