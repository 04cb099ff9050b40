import Foundation
import ImageGate
import Synchronization
import TestSupport

/// The images the conformance suite checks, read once from the environment:
/// - `IMAGEGATE_IMAGES`: image paths separated by `:` (a pipeline's images);
/// - none set: the bundled sample (`make sample`), whose designed failures are asserted instead;
/// - `IMAGEGATE_STRICT=1`: a `warn` fails its test too;
/// - `IMAGEGATE_VM_SIZE`: the target VM size for `vm-size` (else it skips);
/// - `IMAGEGATE_PROFILE`: the profile, or profiles joined by `,` (default
///   `azure-accelerated-networking`); the tests of ids outside it are skipped.
enum ConformanceImages {
    static let environment = ProcessInfo.processInfo.environment

    /// True when the suite checks the bundled sample because `IMAGEGATE_IMAGES` is unset or empty.
    static let isBundledSample: Bool = (environment["IMAGEGATE_IMAGES"] ?? "").isEmpty

    /// The images under test, in the order given.
    static let paths: [String] = {
        if isBundledSample {
            // A missing sample still gives a path: each test then fails with "run `make fixtures`".
            return [(try? Fixtures.path("sample/sample.vhd")) ?? Fixtures.directory + "/sample/sample.vhd"]
        }
        return (environment["IMAGEGATE_IMAGES"] ?? "").split(separator: ":").map(String.init)
    }()

    static let strict = environment["IMAGEGATE_STRICT"] == "1"

    /// The profile checked; an unknown name falls back to the default, and `namedProfileIsKnown`
    /// fails then.
    static let profile: Profile =
        environment["IMAGEGATE_PROFILE"].flatMap { $0.isEmpty ? nil : Profile.named($0) } ?? .azureAcceleratedNetworking

    /// True when the profile checked has requirement `id` (its test runs).
    static func runs(_ id: String) -> Bool { profile.requirements.contains { $0.id == id } }

    static let options = CheckOptions(
        profile: profile, strict: strict, vmSize: environment["IMAGEGATE_VM_SIZE"].flatMap { $0.isEmpty ? nil : $0 })

    /// One check per image for the whole run: every requirement's test awaits the same task.
    private static let checks = Mutex<[String: Task<Report, Never>]>([:])

    /// The report of `path`, checked on first use.
    static func report(_ path: String) async -> Report {
        let task = checks.withLock { tasks in
            if let t = tasks[path] { return t }
            let options = options
            let t = Task.detached { ImageGate.check(path, options: options).report }
            tasks[path] = t
            return t
        }
        return await task.value
    }
}
