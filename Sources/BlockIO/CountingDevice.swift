import Synchronization

/// Bytes and requests read from a device, shared by every wrapper of one image (for `--stats`
/// and the benchmark).
public final class ReadCounter: Sendable {
    private let counts = Mutex((bytes: UInt64(0), reads: UInt64(0)))
    public init() {}
    public func record(_ bytes: Int) {
        counts.withLock {
            $0.bytes += UInt64(bytes)
            $0.reads += 1
        }
    }
    public var bytes: UInt64 { counts.withLock { $0.bytes } }
    public var reads: UInt64 { counts.withLock { $0.reads } }
}

/// Passes reads through to `base`, recording each in `counter`.
public struct CountingDevice: BlockDevice {
    public let base: any BlockDevice
    public let counter: ReadCounter
    public var size: UInt64 { base.size }

    public init(_ base: any BlockDevice, counter: ReadCounter) {
        self.base = base
        self.counter = counter
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try base.read(into: buffer, at: offset)
        counter.record(buffer.count)
    }
}
