import BlockIO

/// One block group's mapping (`struct btrfs_chunk`): logical range → stripes on devices.
struct BtrfsChunk: Sendable {
    struct Stripe: Sendable {
        var deviceID: UInt64
        var offset: UInt64
    }

    /// Block group type and profile bits (BTRFS_BLOCK_GROUP_*).
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt64
        static let data = Flags(rawValue: 0x1)
        static let system = Flags(rawValue: 0x2)
        static let metadata = Flags(rawValue: 0x4)
        static let raid0 = Flags(rawValue: 0x8)
        static let raid1 = Flags(rawValue: 0x10)
        static let dup = Flags(rawValue: 0x20)
        static let raid10 = Flags(rawValue: 0x40)
        static let raid5 = Flags(rawValue: 0x80)
        static let raid6 = Flags(rawValue: 0x100)
        static let raid1c3 = Flags(rawValue: 0x200)
        static let raid1c4 = Flags(rawValue: 0x400)
    }

    static let maxStripes = 256

    let logical: UInt64
    let length: UInt64
    let flags: Flags
    let stripes: [Stripe]
    /// Device offset of the chunk item, for errors.
    let itemOffset: UInt64

    /// The profile name as `btrfs filesystem df` prints it.
    var profile: String {
        let names: [(Flags, String)] = [
            (.raid0, "RAID0"), (.raid1, "RAID1"), (.dup, "DUP"), (.raid10, "RAID10"), (.raid5, "RAID5"),
            (.raid6, "RAID6"), (.raid1c3, "RAID1C3"), (.raid1c4, "RAID1C4"),
        ]
        return names.filter { flags.contains($0.0) }.map(\.1).joined(separator: "|").nonEmpty ?? "single"
    }

    /// Parses a chunk item (48-byte header, then 32-byte stripes) whose key offset is `logical`.
    init(logical: UInt64, _ r: inout ByteReader) throws {
        let layer = Btrfs.layer
        itemOffset = r.offset
        self.logical = logical
        length = try r.u64le()  // 0x00 length
        _ = try r.u64le()  // 0x08 owner
        _ = try r.u64le()  // 0x10 stripe_len
        flags = Flags(rawValue: try r.u64le())  // 0x18 type
        _ = try r.u32le()  // 0x20 io_align
        _ = try r.u32le()  // 0x24 io_width
        _ = try r.u32le()  // 0x28 sector_size
        let count = try r.u16le()  // 0x2c num_stripes
        _ = try r.u16le()  // 0x2e sub_stripes
        guard count >= 1, Int(count) <= Self.maxStripes, Int(count) * 32 <= r.remaining else {
            throw ImageError(layer, .corrupt, "chunk at logical \(logical) has \(count) stripes", at: itemOffset + 0x2C)
        }
        guard length > 0, logical.addingReportingOverflow(length).overflow == false else {
            throw ImageError(layer, .corrupt, "chunk at logical \(logical) has length \(length)", at: itemOffset)
        }
        var s: [Stripe] = []
        for _ in 0..<count {
            let devid = try r.u64le()  // stripe 0x00 devid
            let off = try r.u64le()  // stripe 0x08 offset
            _ = try r.bytes(16)  // stripe 0x10 dev_uuid
            s.append(Stripe(deviceID: devid, offset: off))
        }
        stripes = s
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

/// Logical → physical translation for one device, from the sys_chunk_array and the chunk tree.
///
/// Single and DUP profiles only: every copy lives on this device at `stripe.offset + delta`.
/// Striped and parity profiles (RAID0/10/5/6) and mirrors across devices (RAID1/1C3/1C4) are
/// refused when the chunk is added, naming the profile.
struct BtrfsChunkMap: Sendable {
    private(set) var chunks: [BtrfsChunk] = []  // sorted by logical, non-overlapping
    let deviceID: UInt64
    let deviceSize: UInt64

    init(deviceID: UInt64, deviceSize: UInt64) {
        self.deviceID = deviceID
        self.deviceSize = deviceSize
    }

    /// Adds a chunk after checking its profile and that its stripes lie on this device.
    mutating func add(_ c: BtrfsChunk) throws {
        let refused: BtrfsChunk.Flags = [.raid0, .raid1, .raid10, .raid5, .raid6, .raid1c3, .raid1c4]
        guard c.flags.isDisjoint(with: refused) else {
            throw ImageError(
                Btrfs.layer, .unsupported,
                "chunk at logical \(c.logical) uses the \(c.profile) profile (only single and DUP are read)",
                at: c.itemOffset + 0x18)
        }
        let expected = c.flags.contains(.dup) ? 2 : 1
        guard c.stripes.count == expected else {
            throw ImageError(
                Btrfs.layer, .corrupt, "\(c.profile) chunk at logical \(c.logical) has \(c.stripes.count) stripes",
                at: c.itemOffset + 0x2C)
        }
        for s in c.stripes {
            guard s.deviceID == deviceID else {
                throw ImageError(
                    Btrfs.layer, .unsupported,
                    "chunk at logical \(c.logical) lives on device \(s.deviceID), not on this device (\(deviceID))",
                    at: c.itemOffset + 0x30)
            }
        }
        // Keep sorted; an identical chunk (sys array and chunk tree both list it) is skipped.
        var lo = 0
        var hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid].logical < c.logical { lo = mid + 1 } else { hi = mid }
        }
        if lo < chunks.count, chunks[lo].logical == c.logical, chunks[lo].length == c.length { return }
        let overlapsNext = lo < chunks.count && chunks[lo].logical < c.logical + c.length
        let overlapsPrevious = lo > 0 && chunks[lo - 1].logical + chunks[lo - 1].length > c.logical
        guard !overlapsNext, !overlapsPrevious else {
            throw ImageError(Btrfs.layer, .corrupt, "chunk at logical \(c.logical) overlaps another", at: c.itemOffset)
        }
        chunks.insert(c, at: lo)
    }

    /// The chunk holding `logical`, or a `.corrupt` "chunk map hole" error located at
    /// `referencedAt` (the device offset of the pointer that led here).
    func chunk(containing logical: UInt64, referencedAt: UInt64?) throws -> BtrfsChunk {
        var lo = 0
        var hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid].logical <= logical { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, logical - chunks[lo - 1].logical < chunks[lo - 1].length else {
            throw ImageError(
                Btrfs.layer, .corrupt, "chunk map hole: no chunk maps logical address \(logical)", at: referencedAt)
        }
        return chunks[lo - 1]
    }

    /// The physical offsets of every copy of `logical ..< logical + count`, which must lie in one
    /// chunk and on the device.
    func physical(_ logical: UInt64, count: UInt64, referencedAt: UInt64?) throws -> [UInt64] {
        let c = try chunk(containing: logical, referencedAt: referencedAt)
        let delta = logical - c.logical
        guard count <= c.length - delta else {
            throw ImageError(
                Btrfs.layer, .corrupt, "range of \(count) bytes at logical \(logical) crosses the end of its chunk",
                at: c.itemOffset)
        }
        return try c.stripes.map { s in
            let p = try Checked.add(s.offset, delta, Btrfs.layer, at: c.itemOffset)
            guard p <= deviceSize, count <= deviceSize - p else {
                throw ImageError(
                    Btrfs.layer, .truncated,
                    "logical \(logical) maps to \(p), past the end of the device (\(deviceSize) bytes)", at: p)
            }
            return p
        }
    }
}
