import BlockIO
import Dispatch
import FileSystems

#if canImport(Glibc)
    import Glibc
#endif

/// Guest paths an inspector reads, as absolute glob patterns: `*`, `?` and `[…]` match within
/// one component, `**` any number of components. A stream-only source (a tarball) keeps the
/// entries that match. The matching is `PathInterest`'s, so the coverage an inspector declares
/// and what a tarball keeps are decided by one glob.
public struct GuestInterest: Sendable, Hashable {
    /// Absolute glob patterns.
    public var patterns: [String] { paths.patterns }
    /// The same patterns as the file systems see them.
    public let paths: PathInterest

    public init(_ patterns: [String]) { paths = PathInterest(patterns) }

    /// True when `path` matches one of the patterns.
    public func matches(_ path: String) -> Bool { paths.matches(path) }

    /// One path component against one glob component (`*`, `?`, `[…]`).
    static func glob(_ pattern: String, _ name: String) -> Bool {
        PathInterest.matches(component: name, pattern: pattern)
    }

    public static func == (a: Self, b: Self) -> Bool { a.patterns == b.patterns }
    public func hash(into hasher: inout Hasher) { hasher.combine(patterns) }
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
    /// Inspectors whose facts decide what this one reads (the kernels, for the drivers walk):
    /// run before it when it runs alone to warm a remote image's cache (`GuestInspector.inspect`),
    /// so the warming reads what the real pass will. None by default.
    var prerequisites: [any Inspector] { get }
    /// True for an inspector whose facts no later inspector reads (the drivers of each kernel,
    /// its initramfs): the ordered pass then runs it on a second core, on a copy of the facts
    /// so far, beside the inspectors after it, and `merge` brings what it wrote back. False by
    /// default. A protocol requirement, not a conformance to test with `as?`: each dynamic cast
    /// of a new type scans every conformance record of the binary (some 7,000).
    var runsBesideLaterOnes: Bool { get }
    /// Copies into `facts` what `inspect` wrote into `result`, which started as `base`, for an
    /// inspector that `runsBesideLaterOnes`. The problems each kernel gained are put back by
    /// `GuestInspector` at their place in the ordered pass; this copies the rest.
    func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts)
}

extension Inspector {
    public var prerequisites: [any Inspector] { [] }
    public var runsBesideLaterOnes: Bool { false }
    public func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts) {}
}

/// The ordered list of inspectors; later ones use what earlier ones found (the package database).
public enum GuestInspector {
    /// Every inspector, in the order they run. The kernels come right after the package
    /// database they need, so the drivers walk (the largest inspector, run beside the others)
    /// starts as early as it can.
    public static let all: [any Inspector] = [
        OSReleaseInspector(),
        PackageDatabaseInspector(),
        KernelInspector(),
        ArchitectureInspector(),
        BootLoaderInspector(),
        DriverInspector(),
        SystemdUnitsInspector(),
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
        BootConfigInspector(),
        SSHDInspector(),
        HyperVDaemonsInspector(),
    ]

    /// The union of every inspector's interest.
    public static var interest: GuestInterest { GuestInterest(all.flatMap(\.interest.patterns)) }

    /// Every inspector, widened to what `declared` asks for (package names, modules, files).
    public static func inspectors(declared: DeclaredInterest) -> [any Inspector] {
        guard !declared.isEmpty else { return all }
        return all.map { inspector -> any Inspector in
            switch inspector {
            case is PackageDatabaseInspector: PackageDatabaseInspector(declaredNames: declared.packages)
            case is DriverInspector: DriverInspector(declaredModules: declared.modules)
            case is InitramfsInspector: InitramfsInspector(listsEveryImage: declared.initramfsImages)
            default: inspector
            }
        } + (declared.files.isEmpty ? [] : [DeclaredFilesInspector(files: declared.files)])
    }

    /// Runs every inspector, widened to `declared`, over `tree`.
    public static func inspect(_ tree: GuestTree, declared: DeclaredInterest) -> GuestFacts {
        inspect(tree, inspectors: inspectors(declared: declared))
    }

    /// Runs every inspector over `tree`. Never throws: an inspector's error becomes a problem.
    ///
    /// On a tree read side by side (`readWidth` > 1: an image behind a URL), each inspector also
    /// runs alone on a scratch copy at the same time, only to bring the blocks it reads into the
    /// device's cache: the real, ordered pass then finds most of them there or on their way, and
    /// a check waits for about the longest inspector's round trips instead of their sum. The
    /// scratch runs see their own tree (no package database opened by the real pass is swapped
    /// under it) and the facts of their `prerequisites` only; their results are dropped. Facts come from the ordered pass alone.
    public static func inspect(_ tree: GuestTree, inspectors: [any Inspector] = all) -> GuestFacts {
        guard tree.readWidth > 1 else { return inspectInOrder(tree, inspectors: inspectors) }
        let scratch = GuestTree(mounts: tree.mounts, readWidth: tree.readWidth)
        // The scratch runs take readWidth − 1 readers beside the ordered pass on this thread, and
        // are waited for: they read through the image's devices, which must outlive them.
        let warming = DispatchGroup()
        DispatchQueue(label: "imagegate.inspect.warm").async(group: warming) {
            _ = concurrentMap(inspectors, width: tree.readWidth - 1) { inspector in
                var discarded = GuestFacts()
                for step in inspector.prerequisites + [inspector] { try? step.inspect(scratch, into: &discarded) }
            }
            scratch.releasePackageDatabase()
        }
        let facts = inspectInOrder(tree, inspectors: inspectors)
        warming.wait()
        return facts
    }

    /// The inspectors in order on this thread, except those that `runsBesideLaterOnes`: each of
    /// those starts, in its turn, on a copy of the facts so far on one more thread (in order
    /// among themselves), and is merged back at the end. The facts are those of running them all
    /// in order on one thread; a check's wall time drops by about the time of those that run beside
    /// (`beside: false` runs them in place, for the tests that compare both).
    static func inspectInOrder(_ tree: GuestTree, inspectors: [any Inspector], beside: Bool = runsBeside)
        -> GuestFacts
    {
        defer { tree.releasePackageDatabase() }
        var facts = GuestFacts()
        let lane = BesideLane()
        for inspector in inspectors {
            if beside && inspector.runsBesideLaterOnes {
                lane.start(inspector, tree: tree, base: facts)
                continue
            }
            run(inspector, tree, &facts)
        }
        lane.merge(into: &facts)
        facts.problems.sort()
        return facts
    }

    static func run(_ inspector: any Inspector, _ tree: GuestTree, _ facts: inout GuestFacts) {
        do {
            try inspector.inspect(tree, into: &facts)
        } catch {
            facts.problems.append(InspectionProblem(inspector: inspector.name, reason: "\(error)"))
        }
    }

    /// A second core to run inspectors beside the ordered pass on: with one, they run in place.
    static let runsBeside: Bool = {
        #if canImport(Glibc)
            return sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1
        #else
            return false
        #endif
    }()
}

/// The inspectors run beside the ordered pass, one after another on one queue, and their results.
private final class BesideLane: @unchecked Sendable {
    private let queue = DispatchQueue(label: "imagegate.inspect.beside")
    private let group = DispatchGroup()
    /// Written by the queue's jobs, read after `group.wait()`: the wait orders them.
    private var results: [(inspector: any Inspector, base: GuestFacts, result: GuestFacts)] = []

    func start(_ inspector: any Inspector, tree: GuestTree, base: GuestFacts) {
        queue.async(group: group) {
            var result = base
            GuestInspector.run(inspector, tree, &result)
            self.results.append((inspector, base, result))
        }
    }

    /// Waits for the inspectors run beside and copies their facts into `facts`, in their order:
    /// each one's new problems go where the ordered pass would have put them, after those its
    /// base held, and after those inserted there by the ones before it.
    func merge(into facts: inout GuestFacts) {
        group.wait()
        var shift = [Int](repeating: 0, count: facts.kernels.count)
        for (inspector, base, result) in results {
            inspector.merge(result, base: base, into: &facts)
            facts.problems += result.problems.dropFirst(base.problems.count)
            for (i, (before, after)) in zip(base.kernels, result.kernels).enumerated() where i < facts.kernels.count {
                let added = after.problems.dropFirst(before.problems.count)
                let at = min(before.problems.count + shift[i], facts.kernels[i].problems.count)
                facts.kernels[i].problems.insert(contentsOf: added, at: at)
                shift[i] += added.count
            }
        }
    }
}
