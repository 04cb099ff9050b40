import Guest
import LiveNetwork

/// What a check sees: the facts of one image and the options of the run. Checks never open files.
public struct CheckContext: Sendable {
    public var facts: GuestFacts
    /// The container file and OS disk (profile `azure-image`'s "Container and disk" checks); nil
    /// for a folder or a tarball, where those checks skip.
    public var container: ContainerFacts?
    /// `--vm-size`, when given.
    public var vmSize: String?
    /// `--skus FILE`, else the shipped catalogue.
    public var vmSizes: VMSizeCatalogue
    /// `--live`: the facts come from a running system.
    public var live: Bool
    /// `--live`: the sampled network paths (nil on an image).
    public var liveNetwork: LiveNetworkFacts?

    public init(
        facts: GuestFacts, container: ContainerFacts? = nil, vmSize: String? = nil, vmSizes: VMSizeCatalogue = .shipped,
        live: Bool = false, liveNetwork: LiveNetworkFacts? = nil
    ) {
        self.facts = facts
        self.container = container
        self.vmSize = vmSize
        self.vmSizes = vmSizes
        self.live = live
        self.liveNetwork = liveNetwork
    }
}

/// What a check decided.
public struct Outcome: Sendable, Equatable {
    public var status: Status
    public var found: String
    public var evidence: [String]
    /// One sentence: why this status (the branch taken, the reason for a skip).
    public var summary: String
    /// A fix more precise than the requirement's general one, when the check knows it.
    public var remediation: String?

    public init(_ status: Status, found: String, evidence: [Evidence] = [], summary: String, remediation: String? = nil)
    {
        self.status = status
        self.found = found
        var seen = Set<String>()
        self.evidence = evidence.map(\.value).filter { seen.insert($0).inserted }
        self.summary = summary
        self.remediation = remediation
    }
}

/// One documented requirement: stable id, what is expected, where it comes from, how to fix it,
/// and a pure check over facts.
public struct Requirement: Sendable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let expected: String
    /// The section of Microsoft's "Accelerated Networking overview" page (or other source).
    public let reference: String
    public let remediation: String
    /// Why it cannot be decided from an image, when it cannot.
    public let offlineLimit: String?
    /// What inspection must read beyond its defaults for this check to decide (a profile's checks
    /// widen `ImageGate.check`'s inspection by these; a run without them does not pay for them).
    public let reads: DeclaredInterest
    let check: @Sendable (CheckContext) -> Outcome

    public init(
        id: String, title: String, severity: Severity, expected: String, reference: String, remediation: String,
        offlineLimit: String? = nil, reads: DeclaredInterest = DeclaredInterest(),
        check: @escaping @Sendable (CheckContext) -> Outcome
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.expected = expected
        self.reference = reference
        self.remediation = remediation
        self.offlineLimit = offlineLimit
        self.reads = reads
        self.check = check
    }

    /// Runs the check and dresses the outcome as a finding.
    public func evaluate(_ context: CheckContext) -> Finding {
        let o = check(context)
        return Finding(
            id: id, title: title, severity: severity, status: o.status, expected: expected, found: o.found,
            evidence: o.evidence, remediation: o.status == .pass ? nil : (o.remediation ?? remediation),
            reference: reference, summary: o.summary)
    }
}

extension Requirement {
    static let page = "Microsoft Learn, Azure Virtual Network, \"Accelerated Networking overview\""

    static func source(_ section: String) -> String { "\(page), section \"\(section)\"" }
}
