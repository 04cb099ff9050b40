import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-disk comparison with a reference raw file made by `qemu-img convert -O raw`, in 1 MiB
/// chunks; chunks that are holes in the (sparse) reference must read as zeros.
enum ReferenceDisk {
    static let chunk = 1 << 20

    static func assertSame(
        _ device: any BlockDevice, reference path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw ImageError("test", .notFound, "cannot open \(path)") }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let size = UInt64(st.st_size)
        #expect(device.size == size, "virtual size differs from \(path)", sourceLocation: sourceLocation)
        guard device.size == size else { return }
        var ours = [UInt8](repeating: 0, count: chunk)
        var theirs = [UInt8](repeating: 0, count: chunk)
        var offset: UInt64 = 0
        var mismatches = 0
        while offset < size {
            let n = Int(min(UInt64(chunk), size - offset))
            try ours.withUnsafeMutableBytes {
                try device.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), at: offset)
            }
            let data = lseek(fd, off_t(offset), 3)  // SEEK_DATA (not imported by Glibc)
            let isHole = data < 0 || UInt64(data) >= offset + UInt64(n)
            if isHole {
                _ = memset(&theirs, 0, n)
            } else {
                let got = theirs.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(offset)) }
                guard got == n else { throw ImageError("test", .truncated, "short read of \(path)", at: offset) }
            }
            // memcmp: an element-wise compare of 4.5 GiB is far too slow in debug builds.
            let same = memcmp(ours, theirs, n) == 0
            if !same {
                mismatches += 1
                if mismatches <= 3 {
                    let first = (0..<n).first { ours[$0] != theirs[$0] } ?? 0
                    Issue.record(
                        "differs from \(path) at byte \(offset + UInt64(first))", sourceLocation: sourceLocation)
                }
            }
            offset += UInt64(n)
        }
        #expect(mismatches == 0, "\(mismatches) MiB chunks differ", sourceLocation: sourceLocation)
    }

    /// A whole-disk read reads each image byte at most once (plus the sniff windows of 64 KiB at
    /// each end and metadata re-read through small caches).
    static func expectBoundedReads(
        _ disk: OpenedDisk, _ context: OpenContext, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let files = disk.files.reduce(UInt64(0)) { sum, f in
            sum + ((try? FileManager.default.attributesOfItem(atPath: f)[.size] as? UInt64) ?? 0)
        }
        #expect(
            context.counter.bytes <= files + (1 << 20), "read \(context.counter.bytes) bytes of \(files)",
            sourceLocation: sourceLocation)
    }

    /// Opens a fixture through `DiskImage.open` (the sniffing path users take).
    static func openFixture(_ fixture: String, allowExternal: Bool = false) throws -> (OpenedDisk, OpenContext) {
        let path = try Fixtures.path(fixture)
        let context = OpenContext(
            directory: (path as NSString).deletingLastPathComponent, allowExternalFiles: allowExternal)
        return (try DiskImage.open(path: path, context: context), context)
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}

/// Expects `body` to throw an `ImageError` with this kind, layer and (when given) offset;
/// returns it, for assertions on its text.
@discardableResult
func expectImageError(
    _ kind: ImageError.Kind, layer: String, at offset: UInt64? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> ImageError? {
    do {
        try body()
        Issue.record("expected \(kind) error from \(layer), got success", sourceLocation: sourceLocation)
    } catch let e as ImageError {
        #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
        #expect(e.layer == layer, "\(e)", sourceLocation: sourceLocation)
        if let offset { #expect(e.offset == offset, "\(e)", sourceLocation: sourceLocation) }
        return e
    } catch {
        Issue.record("expected ImageError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A refusal of a file outside the image's folder ends with what `--allow-external-files` does.
func expectExternalFileHint(
    _ e: ImageError?, liftedByTheFlag: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) {
    let end = liftedByTheFlag ? ExternalFileRefusal.hint : ExternalFileRefusal.standingHint
    #expect(e?.detail.hasSuffix(end) == true, "\(String(describing: e))", sourceLocation: sourceLocation)
    #expect(end.hasSuffix("--allow-external-files)"))
}
