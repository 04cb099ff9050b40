/// "What the device has, zeros past its end": how a child disk reads bytes it does not hold from
/// a parent (backing file) that may be shorter than the child, and how a file's last cluster may
/// end early. The one home for that rule, so every format pads the same way.
extension BlockDevice {
    /// Fills `buffer` with the bytes at `offset`: those inside the device are read, the rest
    /// (all of it when `offset` is at or past `size`) are zeros.
    public func readPadded(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        let inside = offset < size ? Int(min(UInt64(buffer.count), size - offset)) : 0
        if inside > 0 { try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<inside]), at: offset) }
        if inside < buffer.count {
            UnsafeMutableRawBufferPointer(rebasing: buffer[inside...]).initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}

extension Optional where Wrapped == any BlockDevice {
    /// An absent parent reads as zeros; a present one as `readPadded`.
    public func readPadded(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        if let device = self {
            try device.readPadded(into: buffer, at: offset)
        } else {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}
