import BlockIO
import Synchronization

/// A tree to walk: the logical address and level of its root block.
struct BtrfsTreeRoot: Sendable, Hashable {
    var id: UInt64
    var logical: UInt64
    var level: UInt8
    /// Device offset of the field that holds `logical` (superblock or ROOT_ITEM), for errors.
    var referencedAt: UInt64?
}

/// A subvolume's fs tree and the objectid of its root directory (from its ROOT_ITEM).
struct BtrfsSubvolumeRoot: Sendable, Hashable {
    var tree: BtrfsTreeRoot
    var rootDirectory: UInt64
}

/// The device-level part of a btrfs file system shared by every subvolume view: superblock,
/// chunk map, a bounded cache of validated tree blocks, and B-tree walks.
final class BtrfsVolume: Sendable {
    let device: any BlockDevice
    let superblock: BtrfsSuperblock
    let chunkMap: BtrfsChunkMap
    /// Validated tree blocks: 16 MiB of them (1024 of the default 16 KiB node size), at least 16.
    private let nodes: Mutex<BoundedCache<UInt64, BtrfsNode>>
    static let nodeCacheBytes = 16 << 20
    private let roots = Mutex([UInt64: BtrfsSubvolumeRoot]())
    /// The last few decompressed extents (≤ 128 KiB each), so page-sized random reads of a
    /// compressed file (SQLite over an rpmdb) do not inflate the same extent again.
    private let inflated = Mutex(BoundedCache<InflatedKey, [UInt8]>(countLimit: inflatedCapacity))
    static let inflatedCapacity = 8

    struct InflatedKey: Hashable, Sendable {
        var diskBytenr: UInt64
        var diskBytes: Int
        var ramBytes: Int
        var compression: UInt8
    }

    /// The decompressed contents of a compressed disk extent, through a small cache.
    func inflatedExtent(_ key: InflatedKey, referencedAt: UInt64) throws -> [UInt8] {
        if let hit = inflated.withLock({ $0[key] }) { return hit }
        let compressed = try read(logical: key.diskBytenr, count: key.diskBytes, referencedAt: referencedAt)
        let physical = try chunkMap.physical(key.diskBytenr, count: UInt64(key.diskBytes), referencedAt: referencedAt)
        let data = try BtrfsCompression.decompress(
            key.compression, compressed, ramBytes: key.ramBytes, at: physical[0],
            sectorSize: Int(superblock.sectorSize))
        inflated.withLock { $0.insert(data, for: key) }
        return data
    }

    private init(device: any BlockDevice, superblock: BtrfsSuperblock, chunkMap: BtrfsChunkMap) {
        self.device = device
        self.superblock = superblock
        self.chunkMap = chunkMap
        nodes = Mutex(BoundedCache(countLimit: max(16, Self.nodeCacheBytes / max(1, Int(superblock.nodeSize)))))
    }

    /// Reads the superblock (or a mirror), then the chunk tree through the bootstrap chunks.
    convenience init(device: any BlockDevice) throws {
        let sb = try BtrfsSuperblock.read(from: device)
        var map = BtrfsChunkMap(deviceID: sb.deviceID, deviceSize: device.size)
        for c in sb.systemChunks { try map.add(c) }
        // The chunk tree lives in SYSTEM chunks, so the bootstrap map is enough to walk it.
        let boot = BtrfsVolume(device: device, superblock: sb, chunkMap: map)
        let chunkRoot = BtrfsTreeRoot(
            id: Btrfs.chunkTreeObjectID, logical: sb.chunkTree, level: sb.chunkRootLevel, referencedAt: sb.offset + 0x58
        )
        var chunks: [BtrfsChunk] = []
        try boot.walk(
            chunkRoot, from: BtrfsKey(Btrfs.firstChunkTreeObjectID, Btrfs.chunkItem, 0),
            through: BtrfsKey(Btrfs.firstChunkTreeObjectID, Btrfs.chunkItem, .max)
        ) { key, r in
            guard key.type == Btrfs.chunkItem else { return true }
            var r = r
            chunks.append(try BtrfsChunk(logical: key.offset, &r))
            return chunks.count < 1 << 20
        }
        for c in chunks { try map.add(c) }
        self.init(device: device, superblock: sb, chunkMap: map)
    }

    var rootTree: BtrfsTreeRoot {
        BtrfsTreeRoot(
            id: Btrfs.rootTreeObjectID, logical: superblock.rootTree, level: superblock.rootLevel,
            referencedAt: superblock.offset + 0x50)
    }

    /// Reads `count` bytes at a logical address (one chunk, first copy).
    func read(logical: UInt64, count: Int, referencedAt: UInt64?) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var pos = logical
        var left = UInt64(count)
        while left > 0 {
            let chunk = try chunkMap.chunk(containing: pos, referencedAt: referencedAt)
            let n = min(left, chunk.length - (pos - chunk.logical))
            let copies = try chunkMap.physical(pos, count: n, referencedAt: referencedAt)
            out += try device.read(at: copies[0], count: Int(n), layer: Btrfs.layer)
            pos += n
            left -= n
        }
        return out
    }

    /// The validated tree block at `logical`; a DUP copy is tried when the first is damaged.
    func node(_ logical: UInt64, referencedAt: UInt64?) throws -> BtrfsNode {
        if let hit = nodes.withLock({ $0[logical] }) { return hit }
        let size = UInt64(superblock.nodeSize)
        guard logical % UInt64(superblock.sectorSize) == 0 else {
            throw ImageError(
                Btrfs.layer, .corrupt, "tree block address \(logical) is not sector aligned", at: referencedAt)
        }
        let copies = try chunkMap.physical(logical, count: size, referencedAt: referencedAt)
        var firstError: Error?
        for p in copies {
            do {
                let bytes = try device.read(at: p, count: Int(size), layer: Btrfs.layer)
                let n = try BtrfsNode(bytes, logical: logical, physical: p, fsid: superblock.metadataUUID)
                nodes.withLock { $0.insert(n, for: logical) }
                return n
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? ImageError(Btrfs.layer, .corrupt, "no copy of tree block \(logical)", at: referencedAt)
    }

    /// Calls `body` with every leaf item whose key lies in `from ... through`, in key order, until it
    /// returns false. With `predecessor`, the walk starts at the last item ≤ `from` (the extent that
    /// covers a file offset starts before it). Bounded: levels must decrease by one per step, a block
    /// seen twice in one walk (a loop, or a child pointing back at an ancestor) is `.loop`.
    func walk(
        _ root: BtrfsTreeRoot, from: BtrfsKey, through: BtrfsKey, predecessor: Bool = false,
        _ body: (BtrfsKey, ByteReader) throws -> Bool
    ) throws {
        var seen = Set<UInt64>()
        var path: [UInt64] = []
        _ = try visit(
            root.logical, level: root.level, referencedAt: root.referencedAt, from: from, through: through,
            predecessor: predecessor, seen: &seen, path: &path, body)
    }

    private func visit(
        _ logical: UInt64, level: UInt8, referencedAt: UInt64?, from: BtrfsKey, through: BtrfsKey, predecessor: Bool,
        seen: inout Set<UInt64>, path: inout [UInt64], _ body: (BtrfsKey, ByteReader) throws -> Bool
    ) throws -> Bool {
        if path.contains(logical) {
            throw ImageError(Btrfs.layer, .loop, "tree block \(logical) points back to its ancestor", at: referencedAt)
        }
        guard seen.insert(logical).inserted else {
            throw ImageError(Btrfs.layer, .loop, "tree block \(logical) is reached twice in one walk", at: referencedAt)
        }
        guard seen.count <= Btrfs.maxNodesPerWalk else {
            throw ImageError(
                Btrfs.layer, .limitExceeded, "tree walk visits more than \(Btrfs.maxNodesPerWalk) blocks",
                at: referencedAt)
        }
        let n = try node(logical, referencedAt: referencedAt)
        guard n.level == level else {
            throw ImageError(
                Btrfs.layer, .corrupt, "tree block \(logical) has level \(n.level), its parent expects \(level)",
                at: n.physical + 0x64)
        }
        if n.isLeaf {
            let start: Int
            if predecessor, let i = n.lastIndex(notAfter: from) {
                start = i
            } else {
                start = n.items.firstIndex { $0.key >= from } ?? n.items.count
            }
            for i in start..<n.items.count {
                let item = n.items[i]
                if item.key > through { return false }
                if !(try body(item.key, n.reader(item))) { return false }
            }
            return true
        }
        guard level > 0 else { return true }
        let start = n.lastIndex(notAfter: from) ?? 0
        path.append(logical)
        defer { path.removeLast() }
        for i in start..<n.pointers.count {
            let p = n.pointers[i]
            if i > start, p.key > through { return false }
            let more = try visit(
                p.blockNumber, level: level - 1, referencedAt: p.at, from: from, through: through,
                predecessor: predecessor, seen: &seen, path: &path, body)
            if !more { return false }
        }
        return true
    }

    /// The data of the item with exactly `key`, or nil.
    func item(_ tree: BtrfsTreeRoot, _ key: BtrfsKey) throws -> ByteReader? {
        var found: ByteReader?
        try walk(tree, from: key, through: key) { k, r in
            if k == key { found = r }
            return false
        }
        return found
    }

    /// The fs tree of subvolume `id` from its ROOT_ITEM in the root tree (nil when there is none).
    func subvolumeRoot(_ id: UInt64) throws -> BtrfsSubvolumeRoot? {
        if let hit = roots.withLock({ $0[id] }) { return hit }
        var found: BtrfsSubvolumeRoot?
        // A snapshot's ROOT_ITEM key offset is its creation transid: take the last one.
        try walk(rootTree, from: BtrfsKey(id, Btrfs.rootItem, 0), through: BtrfsKey(id, Btrfs.rootItem, .max)) { _, r in
            var r = r
            guard r.remaining >= 239 else {
                throw ImageError(Btrfs.layer, .corrupt, "ROOT_ITEM of tree \(id) is \(r.remaining) bytes", at: r.offset)
            }
            try r.skip(168)  // 0x00 inode item (160), 0xa0 generation
            let rootDir = try r.u64le()  // 0xa8 root_dirid
            let bytenrAt = r.offset
            let bytenr = try r.u64le()  // 0xb0 bytenr
            try r.seek(to: 238)
            let level = try r.u8()  // 0xee level
            guard level < Btrfs.maxLevel else {
                throw ImageError(Btrfs.layer, .corrupt, "tree \(id) has level \(level)", at: r.offset - 1)
            }
            found = BtrfsSubvolumeRoot(
                tree: BtrfsTreeRoot(id: id, logical: bytenr, level: level, referencedAt: bytenrAt),
                rootDirectory: rootDir)
            return true
        }
        if let found { roots.withLock { $0[id] = found } }
        return found
    }
}
