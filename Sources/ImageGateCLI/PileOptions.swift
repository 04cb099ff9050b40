import ArgumentParser
import Foundation

/// The flags of `check` for piles of images: where the list comes from, which part of it this
/// process takes, and the limits each image is checked under.
struct PileOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read more images from FILE, one path or URL a line ('-' for standard input; '#' starts a comment, blank lines are ignored). Checked after the arguments.",
            valueName: "FILE"), completion: .file())
    var from: String?

    @Option(
        help: ArgumentHelp(
            "Give up on one image after this many seconds (it reports verdict error, layer internal).",
            valueName: "SECONDS"))
    var timeout: Double = 120

    @Option(
        help: ArgumentHelp(
            "The address-space cap of each worker process, in bytes or with a K, M or G suffix (binary units); an image past it reports verdict error.",
            valueName: "SIZE"))
    var memoryLimit: String = "1G"

    @Option(
        help: ArgumentHelp(
            "Check only shard I of N (I counts from 0): the images whose input index modulo N is I.", valueName: "I/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "Split the input into N shards and check the one named by $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).",
            valueName: "N"))
    var shardCount: Int?

    @Flag(
        help:
            "Print one progress line per image to stderr even when it is not a terminal (on a terminal a live line is always shown for piles)."
    )
    var progress = false

    func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        guard memoryLimitBytes != nil else {
            throw ValidationError("--memory-limit: '\(memoryLimit)' is not a size such as 1G, 512M or 1073741824")
        }
        if shard != nil && shardCount != nil { throw ValidationError("give --shard or --shard-count, not both") }
        _ = try shardSelection(environment: processEnvironment)
    }

    /// `--timeout` as a duration (validated positive and finite).
    var timeoutDuration: Duration { .milliseconds(Int64((timeout * 1000).rounded(.up))) }

    /// `--memory-limit` in bytes, or nil when it does not parse or is under 64 MiB (no Swift
    /// process starts in less).
    var memoryLimitBytes: UInt64? {
        var digits = memoryLimit
        var shift: UInt64 = 0
        if let last = digits.last, let s = ["K": 10, "M": 20, "G": 30, "T": 40][last.uppercased()] {
            shift = UInt64(s)
            digits.removeLast()
        }
        guard let n = UInt64(digits), n <= UInt64.max >> shift else { return nil }
        let bytes = n << shift
        return bytes >= 64 << 20 ? bytes : nil
    }

    /// Which shard this process checks, from `--shard I/N` or `--shard-count N` with
    /// `JOB_COMPLETION_INDEX`; nil when the whole input is checked.
    func shardSelection(environment: [String: String]) throws -> Shard? {
        if let shard {
            let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
                throw ValidationError("--shard takes I/N, for example 0/4")
            }
            return try Shard(index: i, count: n)
        }
        guard let shardCount else { return nil }
        guard let value = environment["JOB_COMPLETION_INDEX"], let i = Int(value) else {
            throw ValidationError(
                "--shard-count needs JOB_COMPLETION_INDEX set to the shard number (Kubernetes sets it in Indexed Jobs)")
        }
        return try Shard(index: i, count: shardCount)
    }
}

/// One part of a partition of the input: the entries whose input index modulo `count` is
/// `index`. By index rather than by a hash of the entry, so shards differ in size by at most one
/// image and a merged run sorts back by the same index; the list must be the same for every shard.
struct Shard: Equatable {
    var index: Int
    var count: Int

    init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ValidationError("the shard count must be at least 1") }
        guard index >= 0, index < count else {
            throw ValidationError("shard \(index) does not exist: shards count from 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    func contains(_ inputIndex: Int) -> Bool { inputIndex % count == index }
}
