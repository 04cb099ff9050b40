import ArgumentParser
import Foundation
import ImageGate

/// `check --live` settings: how long to sample the VF counters and which sysfs to read.
struct LiveCheckOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "With --live: the time between the two readings of the VF and synthetic counters (vf-traffic): 5s, 500ms, 1m, or seconds; at most 10m. Default: 5s.",
            valueName: "DURATION"))
    var sample: SampleDuration?

    @Option(
        help: ArgumentHelp(
            "With --live: read network interfaces below DIR instead of /sys (a copy or a synthetic tree; counters then come from its statistics files only). Default: $IMAGEGATE_SYSFS_ROOT, else /sys.",
            valueName: "DIR"))
    var sysfsRoot: String?

    /// The values as the library takes them.
    var liveOptions: LiveOptions {
        let env = processEnvironment["IMAGEGATE_SYSFS_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
        return LiveOptions(
            sysfsRoot: sysfsRoot ?? env ?? LiveOptions.defaultSysfsRoot, sample: sample?.duration ?? .seconds(5))
    }

    /// Whether a flag of this group was given (they need --live).
    var given: Bool { sysfsRoot != nil || sample != nil }
}

/// `5s`, `500ms`, `2m`, or a number of seconds; between 0 and 10 minutes.
struct SampleDuration: ExpressibleByArgument, Sendable {
    static let maximum = Duration.seconds(600)
    let duration: Duration
    let text: String

    init(_ duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    init?(argument: String) {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        var number = Substring(argument)
        var scale: Int64 = 1000
        for u in units where argument.hasSuffix(u.suffix) {
            number = argument.dropLast(u.suffix.count)
            scale = u.milliseconds
            break
        }
        // Whole units only, bounded before the multiplication (at most 10 minutes).
        guard !number.isEmpty, number.count <= 9, number.allSatisfy(\.isASCII), let n = Int64(number), n >= 0 else {
            return nil
        }
        let d = Duration.milliseconds(n * scale)
        guard d <= Self.maximum else { return nil }
        self.init(d, text: argument)
    }

    var defaultValueDescription: String { text }
}
