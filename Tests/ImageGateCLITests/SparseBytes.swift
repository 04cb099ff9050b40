import Foundation

/// A file's bytes as its data pages only (holes left out), so a test holds a 128 MiB sparse image
/// in a few MiB and writes mutated copies that are just as sparse.
struct SparseBytes {
    static let page = 4096
    var size: Int
    var pages: [Int: [UInt8]] = [:]

    init(size: Int) { self.size = size }

    /// Reads the data ranges of `path` (SEEK_DATA / SEEK_HOLE), page by page.
    init(path: String) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let fd = handle.fileDescriptor
        // lseek's SEEK_DATA and SEEK_HOLE (Linux values; the Glibc module does not export them).
        let seekData: Int32 = 3
        let seekHole: Int32 = 4
        let end = lseek(fd, 0, SEEK_END)
        size = Int(end)
        var at: off_t = 0
        while at < end {
            let data = lseek(fd, at, seekData)
            if data < 0 { break }
            var hole = lseek(fd, data, seekHole)
            if hole < 0 { hole = end }
            var page = Int(data) / Self.page
            while page * Self.page < Int(hole) {
                try handle.seek(toOffset: UInt64(page * Self.page))
                var bytes = [UInt8](try handle.read(upToCount: Self.page) ?? Data())
                if bytes.count < Self.page { bytes += [UInt8](repeating: 0, count: Self.page - bytes.count) }
                if bytes.contains(where: { $0 != 0 }) { pages[page] = bytes }
                page += 1
            }
            at = hole
        }
    }

    func read(_ at: Int, _ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(0, min(count, size - at)))
        var i = 0
        while i < out.count {
            let p = (at + i) / Self.page
            let within = (at + i) % Self.page
            let n = min(Self.page - within, out.count - i)
            if let bytes = pages[p] { out.replaceSubrange(i..<i + n, with: bytes[within..<within + n]) }
            i += n
        }
        return out
    }

    /// Writes `bytes` at `at`; bytes past the end are dropped (a field never grows the file).
    mutating func write(_ at: Int, _ bytes: [UInt8]) {
        var i = 0
        let count = max(0, min(bytes.count, size - at))
        while i < count {
            let p = (at + i) / Self.page
            let within = (at + i) % Self.page
            let n = min(Self.page - within, count - i)
            var page = pages[p] ?? [UInt8](repeating: 0, count: Self.page)
            page.replaceSubrange(within..<within + n, with: bytes[i..<i + n])
            pages[p] = page
            i += n
        }
    }

    func u(_ at: Int, _ width: Int, bigEndian: Bool) -> UInt64 {
        let b = read(at, width)
        let ordered = bigEndian ? b : b.reversed()
        return ordered.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A field as an `Int`, clamped (a mutated field may not fit).
    func int(_ at: Int, _ width: Int, bigEndian: Bool) -> Int { Int(clamping: u(at, width, bigEndian: bigEndian)) }

    mutating func put(_ at: Int, _ value: UInt64, _ width: Int, bigEndian: Bool) {
        write(at, Self.encode(value, width, bigEndian: bigEndian))
    }

    static func encode(_ value: UInt64, _ width: Int, bigEndian: Bool) -> [UInt8] {
        let le = (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
        return bigEndian ? le.reversed() : le
    }

    /// Writes the file: its size, then every data page (the rest stays a hole).
    func save(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(size))
        // Runs of consecutive data pages in one write each.
        let sorted = pages.keys.sorted()
        var i = 0
        while i < sorted.count {
            var run = pages[sorted[i]] ?? []
            var j = i + 1
            while j < sorted.count, sorted[j] == sorted[j - 1] + 1 {
                run += pages[sorted[j]] ?? []
                j += 1
            }
            let start = sorted[i] * Self.page
            try handle.seek(toOffset: UInt64(start))
            try handle.write(contentsOf: run.prefix(size - start))
            i = j
        }
    }
}
