// XFS, read-only: "XFS Algorithms & Data Structures" (3rd edition, kernel Documentation/filesystems/xfs)
// and the kernel's libxfs/xfs_format.h, xfs_da_format.h.
//
//   device
//   ┌──────────────── AG 0 ────────────────┬──────── AG 1 ────────┬── … AG agcount-1
//   │ sb │ agf │ agi │ agfl │ btrees, inode chunks, data, dirs │ sb copy │ agf │ …
//   └───────────────────────────────────────┴──────────────────────┘
//   agblocks blocks of blocksize bytes each (the last AG may be shorter)
//
//   inode number  = agno << (agblklog + inopblog) | agbno << inopblog | index in block
//   fs block no.  = agno << agblklog | agbno   (bmbt records and pointers)
//
//   inode (inodesize bytes)
//   ┌ core: "IN", mode, version 2|3, format, nlink, uid, gid, times, size, extents, forkoff ┐
//   │ v3 adds crc, flags2 (bigtime, nrext64), crtime, ino, uuid (core is 176 bytes, v2: 100)  │
//   ├ data fork: local bytes | 16-byte extent records | bmbt root (level, numrecs, keys, ptrs)│
//   └ attr fork at forkoff * 8 (ignored)                                                      ┘
//
//   directory (v2 format) by size: shortform in the inode → one block "XD2B"/"XDB3" →
//   data blocks "XD2D"/"XDD3" below 32 GiB + a leaf at 32 GiB → + free index at 64 GiB and a
//   da-btree ("node"). Entries live only in the data blocks, so listing reads those and skips
//   the leaf and free space; the data fork itself is extents or a bmbt like any file.

import BlockIO

/// Constants of the XFS on-disk format.
enum XFS {
    static let layer = "xfs"

    /// The data fork or attr fork format (`di_format`).
    enum ForkFormat: UInt8, Sendable {
        case device = 0
        case local = 1
        case extents = 2
        case btree = 3
    }

    /// Logical byte offset of the directory leaf space (XFS_DIR2_LEAF_OFFSET); data blocks live below it.
    static let directoryLeafOffset: UInt64 = 1 << 35

    /// The most bmbt levels we follow; real trees have at most 5 (2^54 offsets, 2-key nodes minimum).
    static let maximumBtreeDepth = 10
    /// The most extents one fork may map before we stop (about 128 MiB of decoded extents).
    static let maximumExtents = 4_000_000
    /// The most entries we keep for one directory.
    static let maximumDirectoryEntries = 10_000_000
    /// A symlink target is at most 1024 bytes (XFS_SYMLINK_MAXLEN).
    static let maximumSymlinkLength = 1024
}
