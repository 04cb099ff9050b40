#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Measures the bytes the calling thread reads with read(2)/pread(2) while running a closure, from
/// `rchar` in `/proc/thread-self/io` (Linux task I/O accounting).
///
/// Used to count what libblkid reads when it probes an image file in place, so `--stats` stays
/// exact: libblkid probes synchronously on the calling thread and reads nothing else for a
/// regular file. The meter's own read of the counter file is subtracted.
enum ThreadReadMeter {
    /// `rchar` now and the length of the read that fetched it, nil when the file is unavailable.
    private static func sample() -> (rchar: UInt64, cost: UInt64)? {
        let fd = open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        // Safe: reads at most buffer.count bytes into the array's own storage.
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
            guard let v = UInt64(line.dropFirst(6).trimmingPrefix(" ")) else { return nil }
            return (v, UInt64(n))
        }
        return nil
    }

    /// True when the counter can be read on this system.
    static var isAvailable: Bool { sample() != nil }

    /// Runs `body` and returns its result with the bytes this thread read meanwhile (nil when unknown).
    static func measure<T>(_ body: () throws -> T) rethrows -> (T, UInt64?) {
        let before = sample()
        let result = try body()
        guard let before, let after = sample(), after.rchar >= before.rchar + before.cost else { return (result, nil) }
        return (result, after.rchar - before.rchar - before.cost)
    }
}
