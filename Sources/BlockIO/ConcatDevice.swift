/// Devices laid end to end (VMDK extents, LVM segments of a linear LV).
public struct ConcatDevice: BlockDevice {
    public let parts: [any BlockDevice]
    private let starts: [UInt64]
    public let size: UInt64

    public init(_ parts: [any BlockDevice], layer: String = "concat") throws {
        var starts: [UInt64] = []
        var total: UInt64 = 0
        for p in parts {
            starts.append(total)
            total = try Checked.add(total, p.size, layer)
        }
        self.parts = parts
        self.starts = starts
        self.size = total
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "concat")
        var done = 0
        var pos = offset
        // Binary search for the first part containing `pos`.
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= pos { lo = mid } else { hi = mid - 1 }
        }
        var i = lo
        while done < buffer.count, i < parts.count {
            let inPart = pos - starts[i]
            let avail = parts[i].size - inPart
            let n = Int(min(UInt64(buffer.count - done), avail))
            if n > 0 {
                try parts[i].read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<done + n]), at: inPart)
            }
            done += n
            pos += UInt64(n)
            i += 1
        }
    }
}
