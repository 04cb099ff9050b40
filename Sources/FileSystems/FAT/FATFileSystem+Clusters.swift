import BlockIO

/// Bounded caches of FAT sectors, cluster chains and parsed directories.
struct FATCache {
    static let chunkSize = 4096
    static let maxChunks = 256
    static let maxChainClusters = 1 << 20
    static let maxDirectoryEntries = 100_000

    var chunks = BoundedCache<UInt64, [UInt8]>(countLimit: maxChunks)
    /// Chains by first cluster: the clusters known so far, and whether the end was reached;
    /// bounded by clusters in total.
    var chains = BoundedCache<UInt32, (clusters: [UInt32], complete: Bool)>(
        countLimit: maxChainClusters, costLimit: maxChainClusters)
    /// Bounded by entries in total.
    var directories = BoundedCache<UInt32, FATDirectory>(
        countLimit: maxDirectoryEntries, costLimit: maxDirectoryEntries)
}

extension FATFileSystem {
    var clusterSize: Int { boot.clusterSize }
    var lastCluster: UInt32 { boot.clusterCount + 1 }

    /// One byte of the active FAT, through the chunk cache.
    private func fatByte(_ index: UInt64) throws -> UInt8 {
        let chunk = index / UInt64(FATCache.chunkSize)
        let within = Int(index % UInt64(FATCache.chunkSize))
        if let hit = cache.withLock({ $0.chunks[chunk] }) { return hit[within] }
        let fatBytes = boot.sectorsPerFAT * UInt64(boot.bytesPerSector)
        let start = chunk * UInt64(FATCache.chunkSize)
        let count = Int(min(UInt64(FATCache.chunkSize), fatBytes - start))
        let bytes = try device.read(at: boot.fatOffset + start, count: count, layer: Self.layer)
        cache.withLock { $0.chunks.insert(bytes, for: chunk) }
        return bytes[within]
    }

    /// Device offset of FAT entry `cluster` (for errors).
    func fatEntryOffset(_ cluster: UInt32) -> UInt64 {
        switch boot.kind {
        case .fat12: boot.fatOffset + UInt64(cluster) * 3 / 2
        case .fat16: boot.fatOffset + UInt64(cluster) * 2
        case .fat32: boot.fatOffset + UInt64(cluster) * 4
        }
    }

    /// The FAT entry of `cluster` (2 ≤ cluster ≤ lastCluster), normalised: end-of-chain as
    /// `UInt32.max`, a bad cluster as `UInt32.max - 1`.
    func fatEntry(_ cluster: UInt32) throws -> UInt32 {
        let at = fatEntryOffset(cluster) - boot.fatOffset
        let value: UInt32
        switch boot.kind {
        case .fat12:
            let word = UInt32(try fatByte(at)) | UInt32(try fatByte(at + 1)) << 8
            value = cluster & 1 == 0 ? word & 0xFFF : word >> 4
            return value >= 0xFF8 ? .max : value == 0xFF7 ? .max - 1 : value
        case .fat16:
            value = UInt32(try fatByte(at)) | UInt32(try fatByte(at + 1)) << 8
            return value >= 0xFFF8 ? .max : value == 0xFFF7 ? .max - 1 : value
        case .fat32:
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(try fatByte(at + UInt64(i))) << (8 * i) }
            value = v & 0x0FFF_FFFF
            return value >= 0x0FFF_FFF8 ? .max : value == 0x0FFF_FFF7 ? .max - 1 : value
        }
    }

    /// Checks that `cluster` is a data cluster of this volume.
    func checkCluster(_ cluster: UInt32, referencedAt offset: UInt64) throws {
        guard cluster >= 2, cluster <= lastCluster else {
            throw ImageError(
                Self.layer, .corrupt, "cluster \(cluster) is outside 2...\(lastCluster)", at: offset)
        }
    }

    /// The first `count` clusters of the chain starting at `start` (fewer when it ends sooner).
    /// A cluster seen twice is a loop; a free, bad or out-of-range link is corrupt.
    func chain(from start: UInt32, count: Int, referencedAt offset: UInt64) throws -> [UInt32] {
        if let hit = cache.withLock({ $0.chains[start] }), hit.complete || hit.clusters.count >= count {
            return Array(hit.clusters.prefix(count))
        }
        try checkCluster(start, referencedAt: offset)
        var out = [start]
        var seen: Set<UInt32> = [start]
        var current = start
        var complete = false
        while out.count < count {
            let next = try fatEntry(current)
            if next == .max {
                complete = true
                break
            }
            let at = fatEntryOffset(current)
            guard next != .max - 1, next != 0 else {
                throw ImageError(
                    Self.layer, .corrupt,
                    "chain from cluster \(start) runs into a \(next == 0 ? "free" : "bad") cluster",
                    at: at)
            }
            try checkCluster(next, referencedAt: at)
            guard seen.insert(next).inserted else {
                throw ImageError(Self.layer, .loop, "cluster chain from \(start) loops back to \(next)", at: at)
            }
            out.append(next)
            current = next
        }
        cache.withLock { $0.chains.insert((out, complete), for: start, cost: out.count) }
        return out
    }

    func clusterOffset(_ cluster: UInt32) -> UInt64 {
        boot.dataOffset + UInt64(cluster - 2) * UInt64(clusterSize)
    }

    /// Up to `count` bytes of a file from `offset`; only the clusters covering the range are read
    /// (the chain is walked from the start, as FAT requires).
    func readFile(_ e: FATDirectoryEntry, at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count <= maximumSingleRead else {
            throw ImageError(Self.layer, .limitExceeded, "read of \(count) bytes", at: e.offset)
        }
        let size = UInt64(e.size)
        guard count > 0, offset < size else { return [] }
        let n = Int(min(UInt64(count), size - offset))
        let cs = UInt64(clusterSize)
        let firstIndex = Int(offset / cs)
        let lastIndex = Int((offset + UInt64(n) - 1) / cs)
        let clusters = try chain(from: e.firstCluster, count: lastIndex + 1, referencedAt: e.offset + 0x1A)
        guard clusters.count > lastIndex else {
            throw ImageError(
                Self.layer, .corrupt, "file of \(size) bytes has a chain of only \(clusters.count) clusters",
                at: e.offset + 0x1C)
        }
        var out = [UInt8](repeating: 0, count: n)
        var index = firstIndex
        while index <= lastIndex {
            // Coalesce physically consecutive clusters into one device read.
            var runEnd = index
            while runEnd < lastIndex, clusters[runEnd + 1] == clusters[runEnd] + 1 { runEnd += 1 }
            let runStart = UInt64(index) * cs
            let s = max(runStart, offset)
            let e = min(UInt64(runEnd + 1) * cs, offset + UInt64(n))
            let lower = Int(s - offset)
            let upper = Int(e - offset)
            let at = clusterOffset(clusters[index]) + (s - runStart)
            try out.withUnsafeMutableBytes { buffer in
                try device.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[lower..<upper]), at: at)
            }
            index = runEnd + 1
        }
        return out
    }

    /// The root directory: the fixed region (FAT12/16) or the chain from `BPB_RootClus` (FAT32).
    func rootDirectory() throws -> FATDirectory {
        if let hit = cache.withLock({ $0.directories[0] }) { return hit }
        var parser = FATDirectoryParser(isRoot: true)
        if boot.kind == .fat32 {
            try parseChain(from: boot.rootCluster, referencedAt: 0x2C, into: &parser)
        } else {
            let bytes = try device.read(
                at: boot.rootDirectoryOffset, count: boot.rootEntryCount * 32, layer: Self.layer)
            try parser.feed(
                bytes, at: boot.rootDirectoryOffset, layer: Self.layer, maxEntries: Self.maxDirectoryEntries)
        }
        cache.withLock { $0.directories.insert(parser.directory, for: 0, cost: parser.directory.entries.count) }
        return parser.directory
    }

    /// A subdirectory's entries, parsed on first use then cached.
    func directory(_ e: FATDirectoryEntry) throws -> FATDirectory {
        if e.firstCluster == 0, e.isDirectory {
            // Only ".." may point at the root with cluster 0; a named directory cannot.
            throw ImageError(Self.layer, .corrupt, "directory '\(e.name)' has no cluster", at: e.offset + 0x1A)
        }
        if let hit = cache.withLock({ $0.directories[e.firstCluster] }) { return hit }
        var parser = FATDirectoryParser(isRoot: false)
        try parseChain(from: e.firstCluster, referencedAt: e.offset + 0x1A, into: &parser)
        cache.withLock {
            $0.directories.insert(parser.directory, for: e.firstCluster, cost: parser.directory.entries.count)
        }
        return parser.directory
    }

    /// Feeds a directory's clusters to `parser` until its end marker or the end of its chain.
    private func parseChain(from start: UInt32, referencedAt offset: UInt64, into parser: inout FATDirectoryParser)
        throws
    {
        let maxClusters = Self.maxDirectoryEntries * 32 / clusterSize + 1
        let clusters = try chain(from: start, count: maxClusters + 1, referencedAt: offset)
        guard clusters.count <= maxClusters else {
            throw ImageError(
                Self.layer, .limitExceeded, "directory chain from cluster \(start) longer than \(maxClusters) clusters",
                at: offset)
        }
        for c in clusters where !parser.ended {
            let at = clusterOffset(c)
            let bytes = try device.read(at: at, count: clusterSize, layer: Self.layer)
            try parser.feed(bytes, at: at, layer: Self.layer, maxEntries: Self.maxDirectoryEntries)
        }
    }
}
