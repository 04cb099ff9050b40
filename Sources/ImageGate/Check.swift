import BlockIO
import Guest

/// How to check images.
public struct CheckOptions: Sendable {
    public var profile: Profile
    /// Warnings fail the verdict too.
    public var strict: Bool
    public var vmSize: String?
    public var vmSizes: VMSizeCatalogue
    public var open: OpenOptions
    /// The path is a running system's `/` (`--live`).
    public var live: Bool
    /// How `live` samples the network; ignored unless `live`.
    public var liveOptions: LiveOptions
    /// User policy files (`--policy`): their requirements follow the profile's in every report,
    /// and what they declare (packages, modules, files) is gathered at inspection.
    public var policies: [Policy] = []
    /// Waivers from the config file; the policies' own waivers apply too.
    public var waivers: [Waiver] = []
    /// Whether `Report.facts` is filled: only the JSON report shows the facts, and encoding them
    /// (JSONEncoder, then decoding into a `JSONValue`) is about a tenth of a local check's CPU.
    /// `CheckResult.facts` is always there.
    public var includesFacts = true

    public init(
        profile: Profile = .azureAcceleratedNetworking, strict: Bool = false, vmSize: String? = nil,
        vmSizes: VMSizeCatalogue = .shipped, open: OpenOptions = OpenOptions(), live: Bool = false,
        liveOptions: LiveOptions = LiveOptions()
    ) {
        self.liveOptions = liveOptions
        self.profile = profile
        self.strict = strict
        self.vmSize = vmSize
        self.vmSizes = vmSizes
        self.open = open
        self.live = live
    }
}

/// The result of checking one image, with what it cost to read.
public struct CheckResult: Sendable {
    public var report: Report
    /// What inspection found; nil when the image could not be opened (its package database's
    /// `readError` gives an `error` report with the facts beside it).
    public var facts: GuestFacts?
    /// Bytes and reads from the image files, all layers.
    public var bytesRead: UInt64
    public var reads: UInt64
    /// What an image behind a URL cost on the network (nil for a local image).
    public var transfer: TransferStats? = nil
}

extension ImageGate {
    /// Opens `path` (an image or a folder), inspects it and runs every requirement of the profile.
    /// Never throws: an unreadable image, or one whose package database exists but cannot be read
    /// or has damaged records, gives a report with verdict `error`.
    public static func check(_ path: String, options: CheckOptions = CheckOptions()) -> CheckResult {
        let image: GuestImage
        let tree: GuestTree
        let declared = options.policies.declaredInterest
        var open = options.open
        open.declared.formUnion(declared)
        for r in options.profile.requirements { open.declared.formUnion(r.reads) }
        do {
            image = try GuestImage.open(path, options: open)
            tree = try image.tree
        } catch let e as ImageError {
            return CheckResult(
                report: Report(
                    image: .init(path: GuestImage.shownPath(path)), error: .init(layer: e.layer, message: e.description)
                ), facts: nil,
                bytesRead: 0, reads: 0)
        } catch {
            return CheckResult(
                report: Report(
                    image: .init(path: GuestImage.shownPath(path)), error: .init(layer: "io", message: "\(error)")),
                facts: nil,
                bytesRead: 0, reads: 0)
        }
        let facts = GuestInspector.inspect(tree, declared: open.declared)
        // A package database that exists but cannot be trusted makes the image unreadable, as a
        // damaged file system does: its packages decide `kernel`, `cloud-init` and
        // `azure-vm-utils`, which would otherwise skip and let a damaged image pass.
        if let failure = facts.packageDatabase.readError {
            return CheckResult(
                report: Report(
                    image: .init(
                        path: GuestImage.shownPath(path), format: image.format, virtualSize: image.virtualSize),
                    error: .init(layer: failure.layer, message: failure.message)),
                facts: facts, bytesRead: image.counter.bytes, reads: image.counter.reads,
                transfer: image.transfer?.stats)
        }
        let liveNetwork = options.live ? options.liveOptions.sampleNetwork() : nil
        let context = CheckContext(
            facts: facts, container: image.container, vmSize: options.vmSize, vmSizes: options.vmSizes,
            live: options.live,
            liveNetwork: liveNetwork)
        let findings = (options.waivers + options.policies.flatMap(\.waivers)).apply(
            to: (options.profile.requirements + options.policies.flatMap(\.requirements)).map { $0.evaluate(context) },
            image: GuestImage.shownPath(path))
        // Facts are encoded only when the report will show them (`--format json`): the encoding
        // took 12 % of a local check's instructions (callgrind, docs/piles.md).
        var encoded: JSONValue?
        if options.includesFacts {
            var all = (try? JSONValue.from(facts)) ?? .object([:])
            // The live sample sits beside the image facts, under "liveNetwork".
            if let liveNetwork, case .object(var o) = all, let l = try? JSONValue.from(liveNetwork) {
                o["liveNetwork"] = l
                all = .object(o)
            }
            encoded = all
        }
        let report = Report(
            image: .init(path: GuestImage.shownPath(path), format: image.format, virtualSize: image.virtualSize),
            profile: options.profile.name,
            findings: findings, facts: encoded, strict: options.strict)
        return CheckResult(
            report: report, facts: facts, bytesRead: image.counter.bytes, reads: image.counter.reads,
            transfer: image.transfer?.stats)
    }
}
