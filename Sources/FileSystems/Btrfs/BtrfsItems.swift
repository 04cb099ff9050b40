import BlockIO

/// `struct btrfs_inode_item` (160 bytes): the fields a reader needs.
struct BtrfsInode: Sendable {
    let size: UInt64
    let linkCount: UInt32
    let uid: UInt32
    let gid: UInt32
    let mode: UInt32
    let flags: UInt64
    let modificationTime: Int64

    init(_ r: inout ByteReader) throws {
        guard r.remaining >= 160 else {
            throw ImageError(Btrfs.layer, .corrupt, "INODE_ITEM of \(r.remaining) bytes", at: r.offset)
        }
        _ = try r.u64le()  // 0x00 generation
        _ = try r.u64le()  // 0x08 transid
        size = try r.u64le()  // 0x10 size
        _ = try r.u64le()  // 0x18 nbytes
        _ = try r.u64le()  // 0x20 block_group
        linkCount = try r.u32le()  // 0x28 nlink
        uid = try r.u32le()  // 0x2c uid
        gid = try r.u32le()  // 0x30 gid
        mode = try r.u32le()  // 0x34 mode
        _ = try r.u64le()  // 0x38 rdev
        flags = try r.u64le()  // 0x40 flags
        try r.skip(8 + 32 + 12 + 12)  // 0x48 sequence, reserved[4], atime, ctime
        modificationTime = Int64(bitPattern: try r.u64le())  // 0x88 mtime.sec
    }
}

/// One `struct btrfs_dir_item` (DIR_ITEM, DIR_INDEX and XATTR items share it): location key,
/// transid, data_len, name_len, type, then the name and (for xattrs) data.
struct BtrfsDirItem: Sendable {
    static let headerSize = 30
    /// Names are at most 255 bytes (BTRFS_NAME_LEN); xattr data at most a tree block.
    static let maxName = 255

    let location: BtrfsKey
    let type: UInt8
    let name: [UInt8]

    init(_ r: inout ByteReader) throws {
        let at = r.offset
        location = try BtrfsKey(&r)  // 0x00 location
        _ = try r.u64le()  // 0x11 transid
        let dataLength = try r.u16le()  // 0x19 data_len
        let nameLength = try r.u16le()  // 0x1b name_len
        type = try r.u8()  // 0x1d type
        guard nameLength >= 1, Int(nameLength) <= Self.maxName else {
            throw ImageError(Btrfs.layer, .corrupt, "directory entry name of \(nameLength) bytes", at: at + 0x1B)
        }
        name = try r.bytes(Int(nameLength))
        try r.skip(Int(dataLength))
    }

    /// All entries packed in one DIR_ITEM (names whose hashes collide share an item).
    static func all(_ r: ByteReader) throws -> [BtrfsDirItem] {
        var r = r
        var out: [BtrfsDirItem] = []
        while !r.isAtEnd { out.append(try BtrfsDirItem(&r)) }
        return out
    }

    /// The entry's file type (BTRFS_FT_*).
    var fileType: FileType { FileType(directoryEntryType: type) ?? .unknown }
}

/// `struct btrfs_file_extent_item`: inline data after 21 bytes, or a disk extent.
struct BtrfsFileExtent: Sendable {
    enum Kind: Sendable {
        case inline(data: [UInt8], dataOffset: UInt64)
        /// `diskBytenr == 0` is a hole.
        case regular(diskBytenr: UInt64, diskBytes: UInt64, offset: UInt64, bytes: UInt64)
        case prealloc(bytes: UInt64)
    }

    let ramBytes: UInt64
    let compression: UInt8
    let kind: Kind
    /// Device offset of the item (errors).
    let at: UInt64

    init(_ r: inout ByteReader) throws {
        at = r.offset
        _ = try r.u64le()  // 0x00 generation
        ramBytes = try r.u64le()  // 0x08 ram_bytes
        compression = try r.u8()  // 0x10 compression
        let encryption = try r.u8()  // 0x11 encryption
        let otherEncoding = try r.u16le()  // 0x12 other_encoding
        let type = try r.u8()  // 0x14 type
        guard encryption == 0, otherEncoding == 0 else {
            throw ImageError(Btrfs.layer, .unsupported, "encrypted or encoded file extent", at: at + 0x11)
        }
        guard compression <= 3 else {
            throw ImageError(Btrfs.layer, .unsupported, "file extent compression type \(compression)", at: at + 0x10)
        }
        switch type {
        case 0:
            let dataOffset = r.offset
            kind = .inline(data: try r.bytes(r.remaining), dataOffset: dataOffset)  // 0x15 inline data
        case 1, 2:
            let diskBytenr = try r.u64le()  // 0x15 disk_bytenr
            let diskBytes = try r.u64le()  // 0x1d disk_num_bytes
            let offset = try r.u64le()  // 0x25 offset
            let bytes = try r.u64le()  // 0x2d num_bytes
            kind =
                type == 1
                ? .regular(diskBytenr: diskBytenr, diskBytes: diskBytes, offset: offset, bytes: bytes)
                : .prealloc(bytes: bytes)
        default:
            throw ImageError(Btrfs.layer, .corrupt, "file extent type \(type)", at: at + 0x14)
        }
    }

    /// Bytes of the file this extent covers from its key offset.
    var fileLength: UInt64 {
        switch kind {
        case .inline(let data, _): compression == 0 ? UInt64(data.count) : ramBytes
        case .regular(_, _, _, let bytes): bytes
        case .prealloc(let bytes): bytes
        }
    }
}

/// `struct btrfs_root_ref` (ROOT_REF and ROOT_BACKREF): directory in the parent, name.
struct BtrfsRootRef: Sendable {
    let directory: UInt64
    let name: [UInt8]

    init(_ r: inout ByteReader) throws {
        directory = try r.u64le()  // 0x00 dirid
        _ = try r.u64le()  // 0x08 sequence
        let nameLength = try r.u16le()  // 0x10 name_len
        guard nameLength >= 1, Int(nameLength) <= BtrfsDirItem.maxName else {
            throw ImageError(Btrfs.layer, .corrupt, "subvolume name of \(nameLength) bytes", at: r.offset - 2)
        }
        name = try r.bytes(Int(nameLength))  // 0x12 name
    }
}

/// `struct btrfs_inode_ref` entries (INODE_REF): index and name in the parent directory.
struct BtrfsInodeRef: Sendable {
    let name: [UInt8]

    init(_ r: inout ByteReader) throws {
        _ = try r.u64le()  // 0x00 index
        let nameLength = try r.u16le()  // 0x08 name_len
        guard nameLength >= 1, Int(nameLength) <= BtrfsDirItem.maxName else {
            throw ImageError(Btrfs.layer, .corrupt, "inode ref name of \(nameLength) bytes", at: r.offset - 2)
        }
        name = try r.bytes(Int(nameLength))  // 0x0a name
    }
}
