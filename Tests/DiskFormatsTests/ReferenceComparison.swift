import BlockIO
import DiskFormats
import Foundation
import TestSupport
import Testing

/// Compares a decoded virtual disk with a reference raw file (`qemu-img convert -O raw`), the
/// whole disk, 1 MiB at a time, and reports the first differing byte.
enum ReferenceComparison {
    static let chunk = 1 << 20

    static func expectSameBytes(
        _ device: any BlockDevice, reference path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reference = try FileDevice(path: path)
        #expect(device.size == reference.size, "virtual size", sourceLocation: sourceLocation)
        guard device.size == reference.size else { return }
        var ours = [UInt8](repeating: 0, count: chunk)
        var theirs = [UInt8](repeating: 0, count: chunk)
        var offset: UInt64 = 0
        while offset < reference.size {
            let n = Int(min(UInt64(chunk), reference.size - offset))
            try ours.withUnsafeMutableBytes {
                try device.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), at: offset)
            }
            try theirs.withUnsafeMutableBytes {
                try reference.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), at: offset)
            }
            if memcmp(ours, theirs, n) != 0 {
                let first = (0..<n).first { ours[$0] != theirs[$0] } ?? 0
                Issue.record(
                    "first difference at virtual byte \(offset + UInt64(first)) of \(path)",
                    sourceLocation: sourceLocation)
                return
            }
            offset += UInt64(n)
        }
    }

    /// Opens a fixture through `DiskImage.open` with a fresh context in its own folder.
    static func open(_ fixture: String, counter: ReadCounter = ReadCounter()) throws -> OpenedDisk {
        let path = try Fixtures.path(fixture)
        let directory = (path as NSString).deletingLastPathComponent
        return try DiskImage.open(path: path, context: OpenContext(directory: directory, counter: counter))
    }
}
