// fuzz-modules: BlockIO Codecs FileSystems
// libFuzzer harness for the single-pass archive reader (libarchive tar/cpio behind every
// filter, the initramfs splitter, the tree builder) and the PathInterest glob matcher.
import BlockIO
import FileSystems

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The input as a glob pattern against a few paths: must terminate and never trap.
    let pattern = String(decoding: bytes.prefix(64), as: UTF8.self)
    let interest = PathInterest([pattern, "/etc/**"])
    for p in ["/etc/os-release", "/usr/lib/modules/6.1/kernel/x.ko", "/", "/[a]/*/**"] { _ = interest.matches(p) }
    guard let fs = try? ArchiveFileSystem(bytes: bytes, interest: .everything, sizeCap: 1 << 20) else { return 0 }
    // Walk the tree breadth-first, bounded, touching every kind of entry.
    var queue: [FSPath] = [.root]
    var visited = 0
    while let path = queue.popLast(), visited < 10_000 {
        visited += 1
        guard let a = try? fs.attributes(of: path) else { continue }
        switch a.type {
        case .directory:
            for e in (try? fs.contents(ofDirectory: path)) ?? [] {
                if let child = try? path.appending(e.name) { queue.append(child) }
            }
        case .regular:
            _ = try? fs.contents(of: path, limit: 4096)
            _ = try? fs.read(path, at: 10, count: 100)
        case .symlink:
            _ = try? fs.destination(ofSymbolicLink: path)
        default:
            break
        }
    }
    return 0
}
