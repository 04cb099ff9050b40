/// A read-only random-access device: an image file, a decoded disk format, a partition, an LV.
///
/// Formats, partitions and logical volumes compose by wrapping one another.
public protocol BlockDevice: Sendable {
    /// Size in bytes.
    var size: UInt64 { get }
    /// Fills `buffer` from `offset`; unallocated ranges read as zeros; reading past `size` throws
    /// `ImageError` (plain `throws` so it passes through stdlib closures).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws
}

/// The largest single read the convenience helpers allow, so a corrupt length cannot allocate gigabytes.
public let maximumSingleRead = 256 << 20

extension BlockDevice {
    /// Reads `count` bytes at `offset` into a new array.
    public func read(at offset: UInt64, count: Int, layer: String = "io") throws -> [UInt8] {
        guard count >= 0, count <= maximumSingleRead else {
            throw ImageError(layer, .limitExceeded, "read of \(count) bytes", at: offset)
        }
        try checkRange(offset, UInt64(count), layer: layer)
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        return out
    }

    /// Reads `count` bytes at `offset` as a `ByteReader` whose errors name `layer` and real offsets.
    public func reader(at offset: UInt64, count: Int, layer: String) throws -> ByteReader {
        ByteReader(try read(at: offset, count: count, layer: layer), layer: layer, base: offset)
    }

    /// Throws `.truncated` unless `offset ..< offset + count` lies within the device.
    public func checkRange(_ offset: UInt64, _ count: UInt64, layer: String) throws {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= size else {
            throw ImageError(layer, .truncated, "read of \(count) bytes past the end (size \(size))", at: offset)
        }
    }
}
