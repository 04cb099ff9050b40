/// A window of another device: a partition, an extent of an LV, a disk inside an OVA tar.
public struct SliceDevice: BlockDevice {
    public let base: any BlockDevice
    public let start: UInt64
    public let size: UInt64

    /// Throws `.truncated` when the window does not fit inside `base`.
    public init(_ base: any BlockDevice, start: UInt64, size: UInt64, layer: String = "slice") throws {
        try base.checkRange(start, size, layer: layer)
        self.base = base
        self.start = start
        self.size = size
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "slice")
        try base.read(into: buffer, at: start + offset)
    }
}

/// A device of zeros (an unallocated region, a ZERO extent).
public struct ZeroDevice: BlockDevice {
    public let size: UInt64
    public init(size: UInt64) { self.size = size }
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "zero")
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
    }
}
