/// A device over bytes in memory (decoded blobs, test images built byte by byte).
public struct MemoryDevice: BlockDevice {
    public let bytes: [UInt8]
    public var size: UInt64 { UInt64(bytes.count) }
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "memory")
        let start = Int(offset)
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + buffer.count]))
        }
    }
}
