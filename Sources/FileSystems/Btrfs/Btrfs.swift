// btrfs on-disk format (read-only), after the btrfs documentation "On-disk Format"
// (btrfs.readthedocs.io/en/latest/dev/On-disk-format.html) and the kernel's
// include/uapi/linux/btrfs_tree.h. All integers are little-endian.
//
//   device ──► superblock @ 64 KiB (mirrors @ 64 MiB, 256 GiB; crc32c over bytes 0x20..<0x1000)
//                │ sys_chunk_array: bootstrap CHUNK_ITEMs for the SYSTEM block groups
//                ▼
//   logical address ──(chunk map: single / DUP stripes)──► physical offset on this device
//                │
//   chunk tree (CHUNK_ITEMs: every block group)        root tree (superblock `root`)
//                                                        ├─ ROOT_ITEM (id, 132, transid) → fs tree of subvol
//                                                        ├─ ROOT_REF / ROOT_BACKREF      → parent, dir, name
//                                                        └─ dir 6 DIR_ITEM "default"     → default subvolume
//   fs tree (per subvolume, root dir inode 256)
//     (ino, INODE_ITEM 1, 0)        stat data
//     (ino, INODE_REF 12, parent)   name in the parent directory
//     (dir, DIR_ITEM 84, crc32c(name)) lookup by name
//     (dir, DIR_INDEX 96, index)    listing in creation order
//     (ino, EXTENT_DATA 108, file offset)  inline / regular / prealloc extents, zlib·lzo·zstd
//
//   tree block (nodesize): header (csum, fsid, bytenr, flags, chunk uuid, generation, owner,
//   nritems, level) then, in a leaf, items [key, data offset, size] growing up and item data
//   growing down from the end; in a node, [key, child bytenr, generation] pointers.

import BlockIO

/// Names shared by the btrfs reader.
enum Btrfs {
    static let layer = "btrfs"
    static let magic: [UInt8] = Array("_BHRfS_M".utf8)
    static let superblockSize = 4096
    /// Primary superblock and its mirrors (btrfs_sb_offset: 64 KiB, 64 MiB, 256 GiB).
    static let superblockOffsets: [UInt64] = [0x1_0000, 0x400_0000, 0x40_0000_0000]
    static let headerSize = 101
    static let leafItemSize = 25
    static let keyPtrSize = 33
    /// The kernel's BTRFS_MAX_LEVEL.
    static let maxLevel: UInt8 = 8
    /// BTRFS_MAX_UNCOMPRESSED: a compressed extent never holds more than 128 KiB.
    static let maxUncompressed: UInt64 = 128 << 10
    /// Walks of one tree stop after this many blocks (a valid tree never repeats a block; 4 GiB
    /// of 16 KiB blocks is far more than any directory or file range needs).
    static let maxNodesPerWalk = 1 << 18

    // Object ids.
    static let rootTreeObjectID: UInt64 = 1
    static let chunkTreeObjectID: UInt64 = 3
    static let rootTreeDirObjectID: UInt64 = 6
    static let fsTreeObjectID: UInt64 = 5
    static let firstFreeObjectID: UInt64 = 256
    static let lastFreeObjectID: UInt64 = 0xFFFF_FFFF_FFFF_FF00  // -256
    static let firstChunkTreeObjectID: UInt64 = 256
    /// The inode the kernel shows for a subvolume entry copied into a snapshot (empty directory).
    static let emptySubvolDirObjectID: UInt64 = 2

    // Item types.
    static let inodeItem: UInt8 = 1
    static let inodeRef: UInt8 = 12
    static let dirItem: UInt8 = 84
    static let dirIndex: UInt8 = 96
    static let extentData: UInt8 = 108
    static let rootItem: UInt8 = 132
    static let rootBackref: UInt8 = 144
    static let rootRef: UInt8 = 156
    static let chunkItem: UInt8 = 228

    /// `0x`-prefixed lowercase hex, for checksums in error details.
    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}

/// A btrfs key: (objectid, type, offset), ordered in that order.
struct BtrfsKey: Comparable, Hashable, Sendable, CustomStringConvertible {
    var objectID: UInt64
    var type: UInt8
    var offset: UInt64

    init(_ objectID: UInt64, _ type: UInt8, _ offset: UInt64) {
        self.objectID = objectID
        self.type = type
        self.offset = offset
    }

    /// Reads a 17-byte `btrfs_disk_key`.
    init(_ r: inout ByteReader) throws(ImageError) {
        objectID = try r.u64le()  // 0x00
        type = try r.u8()  // 0x08
        offset = try r.u64le()  // 0x09
    }

    static func < (a: BtrfsKey, b: BtrfsKey) -> Bool {
        if a.objectID != b.objectID { return a.objectID < b.objectID }
        if a.type != b.type { return a.type < b.type }
        return a.offset < b.offset
    }

    var description: String { "(\(objectID) \(type) \(offset))" }
}

/// CRC-32C (Castagnoli), table-driven; btrfs's checksum (csum_type 0) and directory name hash.
enum BtrfsCRC32C {
    /// The raw register update (no final inversion), as the kernel's `crc32c(seed, data)`, over
    /// `bytes[from...]`.
    static func update(_ seed: UInt32, _ bytes: [UInt8], from: Int = 0) -> UInt32 {
        CRC32C.update(seed, bytes[min(max(0, from), bytes.count)...])
    }

    /// The standard CRC-32C of `bytes[from...]` (what btrfs stores in a checksum field, little-endian).
    static func checksum(_ bytes: [UInt8], from: Int = 0) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes, from: from)
    }

    /// btrfs_name_hash: the DIR_ITEM key offset of a name.
    static func nameHash(_ name: [UInt8]) -> UInt64 {
        UInt64(update(0xFFFF_FFFE, name))
    }
}
