import BlockIO
import Foundation
import PackageDatabases
import TestSupport
import Testing

/// LVM text metadata, file systems (ext4, XFS, btrfs, FAT) and the rpm databases (Berkeley DB
/// pages and ndb slots and blobs, both holding rpm headers).
extension MutationTables {
    static func fileSystems() throws -> [Mutation] {
        try lvm() + ext4() + xfs() + btrfs() + fat()
    }

    static func packageDatabases() throws -> [Mutation] {
        try rpmBerkeleyDB() + rpmNDB()
    }

    /// `layout.txt` of the fixture: "file what offset" lines.
    static func layout(_ file: String) throws -> [(String, Int)] {
        let text = try String(contentsOfFile: try base("layout.txt"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == file, let n = Int(parts[2]) else { return nil }
            return (String(parts[1]), n)
        }
    }

    // MARK: LVM2 (label, PV header, metadata area header, metadata text; CRCs of each)

    static func lvmFixup(_ b: inout SparseBytes, textLength: Int?) {
        b.put(512 + 0x10, UInt64(CRC32.lvm(b.read(512 + 0x14, 512 - 0x14))), 4, bigEndian: false)
        let mda = b.int(512 + 104, 8, bigEndian: false)
        guard mda > 0, mda < b.size - 512 else { return }
        if let textLength {
            b.put(mda + 48, UInt64(textLength + 1), 8, bigEndian: false)
            let at = b.int(mda + 40, 8, bigEndian: false)
            b.put(mda + 56, UInt64(CRC32.lvm(b.read(mda + at, textLength + 1))), 4, bigEndian: false)
        }
        b.put(mda, UInt64(CRC32.lvm(b.read(mda + 4, 508))), 4, bigEndian: false)
    }

    static func lvm() throws -> [Mutation] {
        let headers = try binary(
            "lvm2", "lvm.raw",
            fields: { b in
                let mda = b.int(512 + 104, 8, bigEndian: false)
                return [
                    le("label.sector", 512 + 8, 8), le("label.pv_header_offset", 512 + 20, 4),
                    le("pv.device_size", 512 + 64, 8), le("pv.data_area[0].offset", 512 + 72, 8),
                    le("pv.data_area[0].size", 512 + 80, 8), le("pv.metadata_area[0].offset", 512 + 104, 8),
                    le("pv.metadata_area[0].size", 512 + 112, 8), le("mda.version", mda + 20, 4),
                    le("mda.start", mda + 24, 8),
                    le("mda.size", mda + 32, 8), le("mda.raw_locn[0].offset", mda + 40, 8),
                    le("mda.raw_locn[0].size", mda + 48, 8),
                    le("mda.raw_locn[0].flags", mda + 60, 4),
                ]
            },
            fixup: { b in lvmFixup(&b, textLength: nil) })
        let probe = try SparseBytes(path: try base("lvm.raw"))
        let mda = probe.int(512 + 104, 8, bigEndian: false)
        let textAt = mda + probe.int(mda + 40, 8, bigEndian: false)
        let area = textAt..<mda + probe.int(mda + 32, 8, bigEndian: false)
        let text = try text(
            "lvm2-text", "lvm.raw", area: area,
            keys: [
                "seqno = ", "extent_size = ", "dev_size = ", "pe_start = ", "pe_count = ", "segment_count = ",
                "start_extent = ", "extent_count = ", "stripe_count = ", "\"pv0\", ",
            ],
            fixup: { b, _, length in lvmFixup(&b, textLength: length) })
        return headers + text
    }

    // MARK: ext4 (superblock, group descriptor, inodes, a directory block; CRC-32C of superblock and inodes)

    static let ext4Superblock: [(String, Int, Int)] = [
        ("inodes_count", 0, 4), ("blocks_count_lo", 4, 4), ("r_blocks_count_lo", 8, 4), ("free_blocks_count_lo", 12, 4),
        ("free_inodes_count", 16, 4), ("first_data_block", 20, 4), ("log_block_size", 24, 4),
        ("log_cluster_size", 28, 4),
        ("blocks_per_group", 32, 4), ("clusters_per_group", 36, 4), ("inodes_per_group", 40, 4), ("rev_level", 76, 4),
        ("first_ino", 84, 4), ("inode_size", 88, 2), ("block_group_nr", 90, 2), ("feature_compat", 92, 4),
        ("feature_incompat", 96, 4), ("feature_ro_compat", 100, 4), ("reserved_gdt_blocks", 206, 2),
        ("journal_inum", 224, 4), ("desc_size", 254, 2), ("first_meta_bg", 260, 4), ("blocks_count_hi", 336, 4),
        ("r_blocks_count_hi", 340, 4), ("min_extra_isize", 348, 2), ("want_extra_isize", 350, 2),
        ("log_groups_per_flex", 372, 1), ("checksum_type", 373, 1),
    ]

    static let ext4Inode: [(String, Int, Int)] = [
        ("mode", 0, 2), ("size_lo", 4, 4), ("links_count", 26, 2), ("blocks_lo", 28, 4), ("flags", 32, 4),
        ("extent_header.entries", 42, 2), ("extent_header.max", 44, 2), ("extent_header.depth", 46, 2),
        ("extent[0].block", 52, 4), ("extent[0].len", 56, 2), ("extent[0].start_hi", 58, 2),
        ("extent[0].start_lo", 60, 4),
        ("file_acl_lo", 104, 4), ("size_high", 108, 4), ("extra_isize", 128, 2),
    ]

    static func ext4() throws -> [Mutation] {
        let inodes = try layout("root.ext4")
        let fs = 0
        return try binary(
            "ext4", "root.ext4",
            fields: { b in
                var f = ext4Superblock.map { le("superblock.\($0.0)", fs + 1024 + $0.1, $0.2) }
                let gd = fs + 2048
                f += [
                    le("gd[0].block_bitmap_lo", gd, 4), le("gd[0].inode_bitmap_lo", gd + 4, 4),
                    le("gd[0].inode_table_lo", gd + 8, 4),
                    le("gd[0].free_blocks_count_lo", gd + 12, 2), le("gd[0].flags", gd + 18, 2),
                    le("gd[0].itable_unused_lo", gd + 28, 2),
                    le("gd[0].block_bitmap_hi", gd + 32, 4), le("gd[0].inode_table_hi", gd + 40, 4),
                ]
                for (name, at) in inodes {
                    f += ext4Inode.map { le("\(name).\($0.0)", fs + at + $0.1, $0.2) }
                }
                if let root = inodes.first(where: { $0.0 == "inode:/" })?.1 {
                    let block = fs + b.int(fs + root + 60, 4, bigEndian: false) * 1024
                    f += [
                        le("rootdir[.].rec_len", block + 4, 2), le("rootdir[..].rec_len", block + 16, 2),
                        le("rootdir[2].inode", block + 24, 4), le("rootdir[2].rec_len", block + 28, 2),
                        le("rootdir[2].name_len", block + 30, 1), le("rootdir[2].file_type", block + 31, 1),
                    ]
                }
                return f
            },
            fixup: { b in
                let sb = fs + 1024
                let uuid = b.read(sb + 0x68, 16)
                let seed = CRC32C.update(~0, uuid[...])
                let itable = b.int(fs + 2048 + 8, 4, bigEndian: false)
                for (_, at) in inodes {
                    let number = UInt32(clamping: (at - itable * 1024) / 256 + 1)
                    var raw = b.read(fs + at, 256)
                    let hasHigh = (Int(raw[0x80]) | Int(raw[0x81]) << 8) >= 4  // i_extra_isize covers i_checksum_hi
                    raw[0x7C] = 0
                    raw[0x7D] = 0
                    if hasHigh {
                        raw[0x82] = 0
                        raw[0x83] = 0
                    }
                    let generation = raw[0x64..<0x68]
                    var crc = CRC32C.update(seed, SparseBytes.encode(UInt64(number), 4, bigEndian: false)[...])
                    crc = CRC32C.update(crc, generation)
                    crc = CRC32C.update(crc, raw[...])
                    b.put(fs + at + 0x7C, UInt64(crc & 0xFFFF), 2, bigEndian: false)
                    if hasHigh { b.put(fs + at + 0x82, UInt64(crc >> 16), 2, bigEndian: false) }
                }
                b.put(sb + 0x3FC, UInt64(CRC32C.update(~0, b.read(sb, 0x3FC)[...])), 4, bigEndian: false)
            })
    }

    // MARK: XFS (big-endian superblock and inodes; CRC-32C of each)

    static let xfsSuperblock: [(String, Int, Int)] = [
        ("blocksize", 4, 4), ("dblocks", 8, 8), ("rblocks", 16, 8), ("rextents", 24, 8), ("logstart", 48, 8),
        ("rootino", 56, 8), ("rbmino", 64, 8), ("rsumino", 72, 8), ("rextsize", 80, 4), ("agblocks", 84, 4),
        ("agcount", 88, 4), ("rbmblocks", 92, 4), ("logblocks", 96, 4), ("versionnum", 100, 2), ("sectsize", 102, 2),
        ("inodesize", 104, 2), ("inopblock", 106, 2), ("blocklog", 120, 1), ("sectlog", 121, 1), ("inodelog", 122, 1),
        ("inopblog", 123, 1), ("agblklog", 124, 1), ("rextslog", 125, 1), ("imax_pct", 127, 1), ("icount", 128, 8),
        ("ifree", 136, 8), ("fdblocks", 144, 8), ("dirblklog", 192, 1), ("logsectlog", 193, 1), ("features2", 200, 4),
        ("features_compat", 208, 4), ("features_ro_compat", 212, 4), ("features_incompat", 216, 4),
    ]

    static let xfsInode: [(String, Int, Int)] = [
        ("mode", 2, 2), ("version", 4, 1), ("format", 5, 1), ("nlink", 16, 4), ("size", 56, 8), ("nblocks", 64, 8),
        ("extsize", 72, 4), ("nextents", 76, 4), ("anextents", 80, 2), ("forkoff", 82, 1), ("aformat", 83, 1),
        ("flags", 90, 2), ("flags2", 120, 8), ("ino", 152, 8), ("fork[0..8]", 176, 8), ("fork[8..16]", 184, 8),
        ("fork[0]", 176, 1), ("fork[1]", 177, 1), ("fork[6]", 182, 1),
    ]

    static func xfs() throws -> [Mutation] {
        let inodes = try layout("xfs.raw")
        return try binary(
            "xfs", "xfs.raw",
            fields: { _ in
                var f = xfsSuperblock.map { be("superblock.\($0.0)", $0.1, $0.2) }
                for (name, at) in inodes { f += xfsInode.map { be("\(name).\($0.0)", at + $0.1, $0.2) } }
                return f
            },
            fixup: { b in
                let inodeSize = b.int(104, 2, bigEndian: true)
                for (_, at) in inodes where inodeSize == 512 {
                    b.put(at + 100, UInt64(CRC32C.checksum(b.read(at, 512), zeroing: 100)), 4, bigEndian: false)
                }
                let sector =
                    (512...4096).contains(b.int(102, 2, bigEndian: true)) ? b.int(102, 2, bigEndian: true) : 512
                b.put(224, UInt64(CRC32C.checksum(b.read(0, sector), zeroing: 224)), 4, bigEndian: false)
            })
    }

    // MARK: btrfs (superblock, its system chunk array, the chunk and root tree leaves; CRC-32C of each)

    static let btrfsSuperblock: [(String, Int, Int)] = [
        ("bytenr", 0x30, 8), ("flags", 0x38, 8), ("generation", 0x48, 8), ("root", 0x50, 8), ("chunk_root", 0x58, 8),
        ("log_root", 0x60, 8), ("total_bytes", 0x70, 8), ("bytes_used", 0x78, 8), ("root_dir_objectid", 0x80, 8),
        ("num_devices", 0x88, 8), ("sectorsize", 0x90, 4), ("nodesize", 0x94, 4), ("leafsize", 0x98, 4),
        ("stripesize", 0x9C, 4), ("sys_chunk_array_size", 0xA0, 4), ("chunk_root_generation", 0xA4, 8),
        ("compat_flags", 0xAC, 8), ("compat_ro_flags", 0xB4, 8), ("incompat_flags", 0xBC, 8), ("csum_type", 0xC4, 2),
        ("root_level", 0xC6, 1), ("chunk_root_level", 0xC7, 1), ("dev_item.devid", 0xC9, 8),
        ("dev_item.total_bytes", 0xD1, 8), ("dev_item.sector_size", 0xE9, 4),
    ]

    /// The physical byte of `logical` through the chunks in the superblock's system chunk array.
    static func btrfsPhysical(_ b: SparseBytes, _ logical: Int) -> Int? {
        let sb = 0x10000
        var at = sb + 0x32B
        let end = at + min(b.int(sb + 0xA0, 4, bigEndian: false), 2048)
        while at + 17 + 80 <= end {
            let start = b.int(at + 9, 8, bigEndian: false)
            let chunk = at + 17
            let length = b.int(chunk, 8, bigEndian: false)
            let stripes = b.int(chunk + 44, 2, bigEndian: false)
            if logical >= start, logical - start < length {
                return b.int(chunk + 48 + 8, 8, bigEndian: false) + logical - start
            }
            at = chunk + 48 + 32 * max(stripes, 1)
        }
        return nil
    }

    static func btrfsLeaf(_ prefix: String, _ node: Int) -> [Field] {
        var f = [
            le(prefix + ".bytenr", node + 0x30, 8), le(prefix + ".nritems", node + 0x60, 4),
            le(prefix + ".level", node + 0x64, 1),
        ]
        for i in 0..<3 {
            let item = node + 0x65 + 25 * i
            f += [le(prefix + ".item[\(i)].offset", item + 17, 4), le(prefix + ".item[\(i)].size", item + 21, 4)]
        }
        return f
    }

    static func btrfs() throws -> [Mutation] {
        let probe = try SparseBytes(path: try base("btrfs.raw"))
        let sb = 0x10000
        let nodeSize = probe.int(sb + 0x94, 4, bigEndian: false)
        let chunkLeaf = btrfsPhysical(probe, probe.int(sb + 0x58, 8, bigEndian: false))
        // The root tree's chunk is found through the chunk items of the chunk tree leaf.
        var rootLeaf: Int?
        if let chunkLeaf {
            let root = probe.int(sb + 0x50, 8, bigEndian: false)
            for i in 0..<probe.int(chunkLeaf + 0x60, 4, bigEndian: false) {
                let item = chunkLeaf + 0x65 + 25 * i
                guard probe.read(item + 8, 1) == [228] else { continue }
                let start = probe.int(item + 9, 8, bigEndian: false)
                let data = chunkLeaf + 0x65 + probe.int(item + 17, 4, bigEndian: false)
                let length = probe.int(data, 8, bigEndian: false)
                if root >= start, root - start < length {
                    rootLeaf = probe.int(data + 56, 8, bigEndian: false) + root - start
                }
            }
        }
        #expect(chunkLeaf != nil && rootLeaf != nil, "btrfs: the chunk or root tree leaf of the base was not found")
        let chunk = sb + 0x32B + 17
        return try binary(
            "btrfs", "btrfs.raw",
            fields: { _ in
                var f = btrfsSuperblock.map { le("superblock.\($0.0)", sb + $0.1, $0.2) }
                f += [
                    le("sys_chunk[0].key.offset", sb + 0x32B + 9, 8), le("sys_chunk[0].length", chunk, 8),
                    le("sys_chunk[0].stripe_len", chunk + 16, 8), le("sys_chunk[0].type", chunk + 24, 8),
                    le("sys_chunk[0].sector_size", chunk + 40, 4), le("sys_chunk[0].num_stripes", chunk + 44, 2),
                    le("sys_chunk[0].sub_stripes", chunk + 46, 2), le("sys_chunk[0].stripe[0].devid", chunk + 48, 8),
                    le("sys_chunk[0].stripe[0].offset", chunk + 56, 8),
                ]
                if let chunkLeaf { f += btrfsLeaf("chunk_tree", chunkLeaf) }
                if let rootLeaf { f += btrfsLeaf("root_tree", rootLeaf) }
                return f
            },
            fixup: { b in
                for node in [chunkLeaf, rootLeaf].compactMap({ $0 }) {
                    b.put(node, UInt64(CRC32C.checksum(b.read(node + 0x20, nodeSize - 0x20))), 4, bigEndian: false)
                }
                b.put(sb, UInt64(CRC32C.checksum(b.read(sb + 0x20, 4096 - 0x20))), 4, bigEndian: false)
            })
    }

    // MARK: FAT (boot sector, root directory entries, the FAT)

    static func fat() throws -> [Mutation] {
        try binary("fat", "fat.raw") { b in
            var f = [
                le("bytes_per_sector", 11, 2), le("sectors_per_cluster", 13, 1), le("reserved_sectors", 14, 2),
                le("fat_count", 16, 1), le("root_entries", 17, 2), le("total_sectors_16", 19, 2),
                le("fat_size_16", 22, 2),
                le("hidden_sectors", 28, 4), le("total_sectors_32", 32, 4),
            ]
            let root =
                (b.int(14, 2, bigEndian: false) + b.int(16, 1, bigEndian: false) * b.int(22, 2, bigEndian: false)) * 512
            for i in 1..<4 {
                let e = root + 32 * i
                let name = String(decoding: b.read(e, 8), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                f += [
                    le("root[\(name)].attributes", e + 11, 1), le("root[\(name)].cluster_hi", e + 20, 2),
                    le("root[\(name)].cluster", e + 26, 2), le("root[\(name)].size", e + 28, 4),
                ]
                let cluster = b.int(e + 26, 2, bigEndian: false)
                f.append(le("fat[\(cluster)]", b.int(14, 2, bigEndian: false) * 512 + 2 * cluster, 2))
            }
            return f
        }
    }

    // MARK: rpm database as a Berkeley DB hash (meta page, hash pages, overflow pages, rpm headers)

    static func rpmBerkeleyDB() throws -> [Mutation] {
        try binary("bdb", "var/lib/rpm/Packages", tree: "rpm-bdb") { b in
            var f = [
                le("meta.pgno", 8, 4), le("meta.version", 16, 4), le("meta.pagesize", 20, 4), le("meta.type", 25, 1),
                le("meta.free", 28, 4), le("meta.last_pgno", 32, 4), le("meta.key_count", 40, 4),
                le("meta.record_count", 44, 4),
                le("meta.flags", 48, 4), le("meta.max_bucket", 72, 4), le("meta.high_mask", 76, 4),
                le("meta.low_mask", 80, 4),
                le("meta.ffactor", 84, 4), le("meta.nelem", 88, 4), le("meta.spares[0]", 96, 4),
                le("meta.spares[1]", 100, 4),
            ]
            let page = b.int(20, 4, bigEndian: false)
            let pages = b.size / max(page, 512)
            var hash = 0
            var overflow = 0
            for p in 1..<pages {
                let at = p * page
                let type = b.read(at + 25, 1).first ?? 0
                if type == 8, hash < 2 {
                    hash += 1
                    f += [
                        le("hash[\(p)].prev_pgno", at + 12, 4), le("hash[\(p)].next_pgno", at + 16, 4),
                        le("hash[\(p)].entries", at + 20, 2), le("hash[\(p)].hf_offset", at + 22, 2),
                        le("hash[\(p)].index[0]", at + 26, 2), le("hash[\(p)].index[1]", at + 28, 2),
                    ]
                    let item = at + b.int(at + 28, 2, bigEndian: false)
                    if b.read(item, 1) == [3] {
                        f += [le("hash[\(p)].offpage.pgno", item + 4, 4), le("hash[\(p)].offpage.tlen", item + 8, 4)]
                    }
                }
                // The first page of an overflow chain starts with an rpm header blob (big-endian).
                if type == 7, overflow < 2, b.int(at + 12, 4, bigEndian: false) == 0 {
                    overflow += 1
                    f += [
                        le("overflow[\(p)].next_pgno", at + 16, 4), le("overflow[\(p)].hf_offset", at + 22, 2),
                        be("rpmheader[\(p)].index_count", at + 26, 4), be("rpmheader[\(p)].data_length", at + 30, 4),
                    ]
                    for e in 0..<3 {
                        let entry = at + 34 + 16 * e
                        f += [
                            be("rpmheader[\(p)].entry[\(e)].tag", entry, 4),
                            be("rpmheader[\(p)].entry[\(e)].type", entry + 4, 4),
                            be("rpmheader[\(p)].entry[\(e)].offset", entry + 8, 4),
                            be("rpmheader[\(p)].entry[\(e)].count", entry + 12, 4),
                        ]
                    }
                }
            }
            return f
        }
    }

    // MARK: rpm ndb (header, slots, blob heads and tails, the rpm header in a blob; Adler-32 per blob)

    /// SUSE's real `Packages.db` (../shared/testdata; Debian's rpm cannot write ndb) in place of
    /// the Berkeley DB file of the `rpm-bdb` tree: the header, the first three used slots, and
    /// the first two blobs' head, tail and rpm header, each blob's Adler-32 recomputed where the
    /// unmutated slot says the blob lies.
    static func rpmNDB() throws -> [Mutation] {
        let source = try Fixtures.shared("testdata/rpmdb/sle15-bci/Packages.db")
        let original = try SparseBytes(path: source)
        // The first three used slots (blkoff ≠ 0) of the first slot page, after the 32-byte header.
        let slots = stride(from: 32, to: 4096, by: 16).filter { original.int($0 + 8, 4, bigEndian: false) != 0 }
            .prefix(3)
        let blobs = slots.prefix(2).map {
            (at: original.int($0 + 8, 4, bigEndian: false) * 16, bytes: original.int($0 + 12, 4, bigEndian: false) * 16)
        }
        return try binary(
            "ndb", "var/lib/rpm/Packages.db", tree: "rpm-bdb", source: source, replacing: "var/lib/rpm/Packages",
            fields: { _ in
                var f = [
                    le("header.version", 4, 4), le("header.generation", 8, 4), le("header.slotnpages", 12, 4),
                    le("header.nextpkgidx", 16, 4),
                ]
                for (k, at) in slots.enumerated() {
                    f += [
                        le("slot[\(k)].pkgidx", at + 4, 4), le("slot[\(k)].blkoff", at + 8, 4),
                        le("slot[\(k)].blkcnt", at + 12, 4),
                    ]
                }
                for (k, blob) in blobs.enumerated() {
                    f += [
                        le("blob[\(k)].pkgidx", blob.at + 4, 4), le("blob[\(k)].generation", blob.at + 8, 4),
                        le("blob[\(k)].bloblen", blob.at + 12, 4),
                        le("blob[\(k)].tail.bloblen", blob.at + blob.bytes - 8, 4),
                        be("rpmheader[\(k)].index_count", blob.at + 16, 4),
                        be("rpmheader[\(k)].data_length", blob.at + 20, 4),
                    ]
                    for e in 0..<3 {
                        let entry = blob.at + 24 + 16 * e
                        f += [
                            be("rpmheader[\(k)].entry[\(e)].type", entry + 4, 4),
                            be("rpmheader[\(k)].entry[\(e)].offset", entry + 8, 4),
                            be("rpmheader[\(k)].entry[\(e)].count", entry + 12, 4),
                        ]
                    }
                }
                return f
            },
            fixup: { b in
                for blob in blobs {
                    let tail = blob.at + blob.bytes - 12
                    let sum = NDBPackages.adler32(b.read(blob.at, blob.bytes - 12)[...])
                    b.put(tail, UInt64(sum), 4, bigEndian: false)
                }
            })
    }
}
