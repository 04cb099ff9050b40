import BlockIO
import Synchronization

/// The virtual disk of a qcow2 image: a `BlockDevice` over the image file that maps each read
/// through the L1 and L2 tables (qcow2 spec, "Cluster mapping").
///
/// Only the L1 and L2 table pages a read touches are read (4 KiB at a time, kept in a bounded cache);
/// unallocated clusters and subclusters read from the backing device, or as zeros without one;
/// zero clusters read as zeros; compressed clusters are decompressed whole (a few are cached).
public final class QCOW2Device: BlockDevice {
    public let size: UInt64
    let file: any BlockDevice
    let metadata: QCOW2Metadata
    let backing: (any BlockDevice)?

    static let offsetMask: UInt64 = 0x00FF_FFFF_FFFF_FE00
    static let compressedFlag: UInt64 = 1 << 62
    static let zeroFlag: UInt64 = 1
    /// Bytes of L2 table read at once (a cluster when clusters are smaller).
    static let l2PageBytes: UInt64 = 4096
    static let l2PageCapacity = 512
    static let clusterCacheCapacity = 8

    struct Caches: Sendable {
        var l1Pages = BoundedCache<UInt64, [UInt8]>(countLimit: 64)
        var l2Pages = BoundedCache<UInt64, [UInt8]>(countLimit: QCOW2Device.l2PageCapacity)
        var clusters = BoundedCache<UInt64, [UInt8]>(countLimit: QCOW2Device.clusterCacheCapacity)
    }
    let caches = Mutex(Caches())

    /// Opens the qcow2 image in `base` (its header, extensions and L1 table are read and checked
    /// now). `backing` supplies unallocated clusters; without it they read as zeros.
    /// Throws `ImageError` for a malformed or unsupported image.
    public convenience init(base: any BlockDevice, backing: (any BlockDevice)? = nil) throws {
        try self.init(metadata: QCOW2Metadata(base), file: base, backing: backing)
    }

    init(metadata: QCOW2Metadata, file: any BlockDevice, backing: (any BlockDevice)?) throws {
        self.metadata = metadata
        self.file = file
        self.backing = backing
        self.size = metadata.header.size
    }

    /// Where a run of virtual bytes comes from.
    enum Source: Equatable {
        case zero
        case backing
        /// Host offset of the run's first byte in the image file.
        case data(UInt64)
        /// A compressed cluster: host offset and byte count of its compressed data, and where the
        /// run starts inside the decompressed cluster.
        case compressed(offset: UInt64, count: Int, within: Int)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "qcow2")
        var done = 0
        var pending: (source: Source, start: Int, count: Int)?
        while done < buffer.count {
            let pos = offset + UInt64(done)
            let (source, count) = try lookup(pos, limit: buffer.count - done)
            if let p = pending, Self.continues(p.source, p.count, with: source) {
                pending = (p.source, p.start, p.count + count)
            } else {
                if let p = pending { try fill(buffer, p.start, p.count, from: p.source, virtual: offset) }
                pending = (source, done, count)
            }
            done += count
        }
        if let p = pending { try fill(buffer, p.start, p.count, from: p.source, virtual: offset) }
    }

    /// Whether `next` carries on a run of `count` bytes from `source` (adjacent zeros, backing
    /// bytes, or host bytes that follow each other in the file).
    static func continues(_ source: Source, _ count: Int, with next: Source) -> Bool {
        switch (source, next) {
        case (.zero, .zero), (.backing, .backing): return true
        case (.data(let a), .data(let b)): return a + UInt64(count) == b
        default: return false
        }
    }

    /// Copies one run into `buffer[start ..< start + count]`; `virtual` is the buffer's offset.
    private func fill(
        _ buffer: UnsafeMutableRawBufferPointer, _ start: Int, _ count: Int, from source: Source, virtual: UInt64
    ) throws {
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<start + count])
        switch source {
        case .zero:
            target.initializeMemory(as: UInt8.self, repeating: 0)
        case .backing:
            // A backing file shorter than the image reads as zeros past its end.
            try backing.readPadded(into: target, at: virtual + UInt64(start))
        case .data(let host):
            // The last cluster of a file may end early (qemu writes only what it must): the rest
            // reads as zeros, as in qemu. `lookup` has checked that the cluster starts in the file.
            try file.readPadded(into: target, at: host)
        case .compressed(let offset, let compressedCount, let within):
            let cluster = try decompressedCluster(at: offset, count: compressedCount)
            cluster.withUnsafeBytes { src in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[within..<within + count]))
            }
        }
    }

    private func decompressedCluster(at offset: UInt64, count: Int) throws -> [UInt8] {
        if let hit = caches.withLock({ $0.clusters[offset] }) { return hit }
        let input = try file.read(at: offset, count: count, layer: "qcow2")
        let cluster = try QCOW2Decompressor.decompress(
            input, type: metadata.header.compressionType, clusterSize: Int(metadata.header.clusterSize), at: offset)
        caches.withLock { $0.clusters.insert(cluster, for: offset) }
        return cluster
    }
}
