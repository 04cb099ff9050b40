// The mutation driver every harness in Fuzz/ shares; Fuzz/build.sh compiles this file into each.
//
// An input is a selector byte (which target, or template, the harness feeds) and a body. A
// template-driven harness applies the body to a small valid image as (offset hi, offset lo, byte)
// patches, so the fuzzer starts past the magic and the checksums and reaches the structures
// behind them. The walks are bounded: only a crash, a hang or an unbounded allocation is a finding.

import BlockIO

#if canImport(FileSystems)
    import FileSystems
#endif

/// One fuzz input: its first byte picks the target, the rest is the body.
struct FuzzInput {
    let selector: UInt8
    let body: [UInt8]

    /// nil for the empty input, which has no selector.
    init?(_ data: UnsafePointer<UInt8>, _ size: Int) {
        guard size > 0 else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        selector = bytes[0]
        body = Array(bytes.dropFirst())
    }
}

/// `template` with each (offset hi, offset lo, byte) triple of `patches` written in; offsets wrap
/// at the template's size, a trailing partial triple is ignored.
func patched(_ template: [UInt8], with patches: [UInt8]) -> [UInt8] {
    guard !template.isEmpty else { return template }
    var b = template
    var i = 0
    while i + 2 < patches.count {
        b[(Int(patches[i]) << 8 | Int(patches[i + 1])) % b.count] = patches[i + 2]
        i += 3
    }
    return b
}

/// The first `n` bytes, zero-filled to exactly `n`.
func padded(_ bytes: some Collection<UInt8>, to n: Int) -> [UInt8] {
    Array(bytes.prefix(n)) + [UInt8](repeating: 0, count: max(0, n - bytes.count))
}

/// Writes the low `width` bytes of `v` at `at`, least significant first.
func putLE(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ width: Int) {
    for i in 0..<width { b[at + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * i)) }
}

/// Writes the low `width` bytes of `v` at `at`, most significant first.
func putBE(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ width: Int) {
    for i in 0..<width { b[at + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * (width - 1 - i))) }
}

/// Reads 16 KiB (less at the end) at the start, the middle, the end and at `offsets` of a device.
func exercise(_ device: any BlockDevice, offsets: [UInt64] = []) {
    let size = device.size
    let n = UInt64(16 << 10)
    for start in [0, size / 2, size > n ? size - n : 0] + offsets where start < size {
        _ = try? device.read(at: start, count: Int(min(n, size - start)))
    }
}

/// Reads 512 bytes at 16 points spread over a device (never the whole of a huge virtual size).
func readSectors(spreadOver device: any BlockDevice) {
    let size = device.size
    for i: UInt64 in 0..<16 where size >= 512 {
        let offset = (size / 16 * i) & ~511
        _ = try? device.read(at: min(offset, size - 512), count: 512)
    }
}

#if canImport(FileSystems)
    /// Walks a file system (64 entries, 4 levels, 32 entries a directory): every attribute, the
    /// first 64 KiB and `count` bytes at `offset` of each regular file, and each link's target.
    func walk(_ fs: any FileSystem, readAt offset: UInt64, count: Int) {
        var queue: [FSPath] = [.root]
        var visited = 0
        while let dir = queue.popLast(), visited < 64 {
            guard let entries = try? fs.contents(ofDirectory: dir) else { continue }
            for e in entries.prefix(32) {
                visited += 1
                guard let path = try? dir.appending(e.name), let a = try? fs.attributes(of: path) else { continue }
                switch a.type {
                case .directory where path.components.count < 4: queue.append(path)
                case .regular:
                    _ = try? fs.contents(of: path, limit: 1 << 16)
                    _ = try? fs.read(path, at: offset, count: count)
                case .symlink: _ = try? fs.destination(ofSymbolicLink: path)
                default: break
                }
            }
        }
    }

    /// A block file system harness's input: with an even selector the body itself (padded to
    /// `minimumSize`), with an odd one `template` patched by it; what `F` recognises is opened, its
    /// identity read and its tree walked.
    func fuzzBlockFileSystem<F: BlockFileSystem>(
        _: F.Type, _ input: FuzzInput, template: [UInt8], minimumSize: Int, readAt offset: UInt64, count: Int
    ) {
        let bytes =
            input.selector & 1 == 0
            ? padded(input.body, to: max(minimumSize, input.body.count)) : patched(template, with: input.body)
        let device = MemoryDevice(bytes)
        guard F.matches(device), let fs = try? F(device: device) else { return }
        _ = fs.identity
        walk(fs, readAt: offset, count: count)
    }
#endif
