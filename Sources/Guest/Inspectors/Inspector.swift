import BlockIO
import FileSystems

/// Guest paths an inspector reads, as absolute glob patterns: `*` matches within one component,
/// `**` any number of components. A stream-only source (a tarball) keeps the entries that match.
public struct GuestInterest: Sendable, Hashable {
    /// Absolute glob patterns (`*` within a component, `**` any depth).
    public let patterns: [String]

    /// Creates a value from its fields.
    public init(_ patterns: [String]) { self.patterns = patterns }

    /// True when `path` matches one of the patterns.
    public func matches(_ path: String) -> Bool {
        let comps = path.split(separator: "/").map(String.init)
        return patterns.contains { Self.match(Array($0.split(separator: "/").map(String.init))[...], comps[...]) }
    }

    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let p = pattern.first else { return path.isEmpty }
        if p == "**" {
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let c = path.first, glob(p, c) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` and `?` within one component; `[` is literal.
    static func glob(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern)
        let n = Array(name)
        var pi = 0
        var ni = 0
        var star = -1
        var mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) {
                pi += 1
                ni += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ni
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ni = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// One step of inspection: reads a few guest paths and fills part of `GuestFacts`.
///
/// `inspect` records what it could not read in the facts (an `unreadable` reason, a problem) and
/// throws only for a structure so broken that nothing it owns can be said; `GuestInspector`
/// turns such an error into an `InspectionProblem`.
public protocol Inspector: Sendable {
    /// Short name used in problems (`os-release`, `kernels`).
    var name: String { get }
    /// The guest paths this inspector may read.
    var interest: GuestInterest { get }
    func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws
}

/// The ordered list of inspectors; later ones use what earlier ones found (the package database).
public enum GuestInspector {
    /// Every inspector, in the order they run.
    public static let all: [any Inspector] = [
        OSReleaseInspector(),
        PackageDatabaseInspector(),
        SystemdUnitsInspector(),
        KernelInspector(),
        BootLoaderInspector(),
        DriverInspector(),
        CloudInitInspector(),
        AzureVMUtilsInspector(),
        UdevRuleInspector(),
        InitramfsInspector(),
        NetworkManagersInspector(),
        NetworkManagerConfigInspector(),
        SysctlInspector(),
        DhclientInspector(),
        InterfaceMatchInspector(),
        LeftoverFilesInspector(),
        CredentialsInspector(),
        WAAgentInspector(),
        SudoersInspector(),
        SSHDInspector(),
        HyperVDaemonsInspector(),
    ]

    /// The union of every inspector's interest.
    public static var interest: GuestInterest { GuestInterest(all.flatMap(\.interest.patterns)) }

    /// Runs every inspector over `tree`. Never throws: an inspector's error becomes a problem.
    public static func inspect(_ tree: GuestTree, inspectors: [any Inspector] = all) -> GuestFacts {
        var facts = GuestFacts()
        for inspector in inspectors {
            do {
                try inspector.inspect(tree, into: &facts)
            } catch {
                facts.problems.append(InspectionProblem(inspector: inspector.name, reason: "\(error)"))
            }
        }
        facts.problems.sort()
        return facts
    }
}
