import BlockIO

/// One tree block (`struct btrfs_header` then leaf items or node key pointers), validated:
/// checksum, fsid, bytenr, level ≤ 7, item count within the block, keys strictly increasing,
/// item data inside the block and after the item array.
struct BtrfsNode: Sendable {
    struct Item: Sendable {
        var key: BtrfsKey
        /// Range of the item data within `bytes`.
        var start: Int
        var count: Int
    }

    struct Pointer: Sendable {
        var key: BtrfsKey
        var blockNumber: UInt64
        /// Device offset of this pointer (for errors about what it points to).
        var at: UInt64
    }

    let logical: UInt64
    /// Device offset of the copy that was read.
    let physical: UInt64
    let level: UInt8
    let owner: UInt64
    let bytes: [UInt8]
    let items: [Item]
    let pointers: [Pointer]

    var isLeaf: Bool { level == 0 }

    init(_ bytes: [UInt8], logical: UInt64, physical: UInt64, fsid: [UInt8]) throws {
        let layer = Btrfs.layer
        var r = ByteReader(bytes, layer: layer, base: physical)
        let csum = try r.bytes(32)  // 0x00 csum
        let stored = UInt32(csum[0]) | UInt32(csum[1]) << 8 | UInt32(csum[2]) << 16 | UInt32(csum[3]) << 24
        let computed = BtrfsCRC32C.checksum(bytes, from: 0x20)
        guard stored == computed else {
            throw ImageError(
                layer, .corrupt,
                "tree block \(logical) checksum mismatch"
                    + " (stored \(Btrfs.hex(stored)), computed \(Btrfs.hex(computed)))",
                at: physical)
        }
        let blockFSID = try r.bytes(16)  // 0x20 fsid
        let bytenr = try r.u64le()  // 0x30 bytenr
        _ = try r.u64le()  // 0x38 flags
        _ = try r.bytes(16)  // 0x40 chunk_tree_uuid
        _ = try r.u64le()  // 0x50 generation
        owner = try r.u64le()  // 0x58 owner
        let nritems = try r.u32le()  // 0x60 nritems
        level = try r.u8()  // 0x64 level
        guard blockFSID == fsid else {
            throw ImageError(
                layer, .corrupt, "tree block \(logical) belongs to another file system", at: physical + 0x20)
        }
        guard bytenr == logical else {
            throw ImageError(layer, .corrupt, "tree block at \(logical) says it is at \(bytenr)", at: physical + 0x30)
        }
        guard level < Btrfs.maxLevel else {
            throw ImageError(layer, .corrupt, "tree block \(logical) has level \(level)", at: physical + 0x64)
        }
        let body = bytes.count - Btrfs.headerSize
        let entrySize = level == 0 ? Btrfs.leafItemSize : Btrfs.keyPtrSize
        guard Int(nritems) <= body / entrySize else {
            throw ImageError(layer, .corrupt, "tree block \(logical) claims \(nritems) items", at: physical + 0x60)
        }
        var items: [Item] = []
        var pointers: [Pointer] = []
        var previous: BtrfsKey?
        let arrayEnd = Btrfs.headerSize + Int(nritems) * entrySize
        for _ in 0..<Int(nritems) {
            let at = r.offset
            let key = try BtrfsKey(&r)
            if let previous, !(previous < key) {
                throw ImageError(
                    layer, .corrupt, "keys out of order in tree block \(logical): \(previous) then \(key)", at: at)
            }
            previous = key
            if level == 0 {
                let dataOffset = try r.u32le()  // item 0x11 offset (from the end of the header)
                let size = try r.u32le()  // item 0x15 size
                let start = Int(dataOffset) + Btrfs.headerSize
                guard dataOffset <= UInt32(body), size <= UInt32(body) - dataOffset, start >= arrayEnd else {
                    throw ImageError(
                        layer, .corrupt,
                        "item \(key) data (\(size) bytes at \(dataOffset)) lies outside leaf \(logical)",
                        at: at + 17)
                }
                items.append(Item(key: key, start: start, count: Int(size)))
            } else {
                let child = try r.u64le()  // ptr 0x11 blockptr
                _ = try r.u64le()  // ptr 0x19 generation
                pointers.append(Pointer(key: key, blockNumber: child, at: at + 17))
            }
        }
        self.logical = logical
        self.physical = physical
        self.bytes = bytes
        self.items = items
        self.pointers = pointers
    }

    /// A reader over item `i`'s data, whose errors carry device offsets.
    func reader(_ item: Item) -> ByteReader {
        ByteReader(
            Array(bytes[item.start..<item.start + item.count]), layer: Btrfs.layer, base: physical + UInt64(item.start))
    }

    /// Index of the last entry whose key is ≤ `key`, or nil when every key is greater.
    func lastIndex(notAfter key: BtrfsKey) -> Int? {
        let count = isLeaf ? items.count : pointers.count
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = isLeaf ? items[mid].key : pointers[mid].key
            if k <= key { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }
}
