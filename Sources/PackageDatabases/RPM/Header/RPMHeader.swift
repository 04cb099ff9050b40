import BlockIO

// RPM header blob, as every rpm database stores it (rpm's lib/header.cc "hdrblob"; the
// header of a package file without its 8-byte magic). Everything is big-endian.
//
//   0          4          8                          8 + 16·il               8 + 16·il + dl
//   +----------+----------+--------------------------+------------------------+
//   | il  u32  | dl  u32  | il index entries (16 B)  | data store (dl bytes)  |
//   +----------+----------+--------------------------+------------------------+
//
//   index entry:  0 tag u32 | 4 type u32 | 8 offset s32 (into the store) | 12 count u32
//
// Region: entry 0 may be a region tag (61 image, 62 signatures, 63 immutable) of type BIN and
// count 16 whose offset points at a 16-byte trailer in the store: the same tag, type BIN,
// count 16 and offset −16·ril, ril being the number of index entries the region covers.
// Entries after the region ("dribbles", added at install time) replace region entries with the
// same tag. Entries other than the region's own must have their data in increasing offset
// order without overlap, as rpm's hdrblobVerifyInfo demands.

/// One rpm header parsed from its blob, every entry bounds-checked against the data store.
///
/// A value that exists is valid: every entry's data lies inside the store, integers are
/// aligned, strings and string arrays have all their NUL terminators, and the region trailer
/// agrees with the region entry. Accessors never read outside an entry's validated bytes.
public struct RPMHeader: Sendable {
    /// At most this many index entries (rpm's HEADER_TAGS_MAX).
    public static let maximumEntryCount = 0xFFFF
    /// At most this many bytes of data store (rpm's HEADER_DATA_MAX).
    public static let maximumDataLength = 0x0FFF_FFFF
    /// The largest blob a database may hold for one header.
    public static let maximumBlobSize = 8 + 16 * maximumEntryCount + maximumDataLength

    /// One index entry and where its data lies in the store.
    public struct Entry: Sendable {
        public let tag: RPMTag
        public let type: RPMTagType
        /// Elements: strings for the string types, bytes for BIN, integers otherwise.
        public let count: Int
        /// The entry's bytes in `RPMHeader.store` (validated).
        public let range: Range<Int>
    }

    public static let layer = "rpm-header"

    /// Every index entry in blob order, the region entry included.
    public let entries: [Entry]
    /// The data store.
    public let store: [UInt8]
    /// The region tag of entry 0 (normally `.headerImmutable`), nil for a header without one.
    public let regionTag: RPMTag?
    /// Index entries the region covers (`ril`), 0 without a region.
    public let regionEntryCount: Int
    /// Device offset of the blob's first byte, for errors.
    public let base: UInt64
    /// Entry index per tag; a later entry (a dribble) replaces an earlier one.
    private let index: [RPMTag: Int]

    /// Parses a header blob of exactly `8 + 16·il + dl` bytes.
    /// - Parameter base: the device offset of `blob[0]`, so errors name a real location.
    /// - Throws: `ImageError` (layer `rpm-header`): `.truncated` when the blob is shorter than its
    ///   counts say, `.limitExceeded` for counts above rpm's limits, `.corrupt` for an entry
    ///   outside the store, a bad region or overlapping data, `.unsupported` for an unknown type.
    public init(blob: [UInt8], base: UInt64 = 0) throws(ImageError) {
        let layer = Self.layer
        var r = ByteReader(blob, layer: layer, base: base)
        let il = try r.u32be()  // 0x00 index entry count
        let dl = try r.u32be()  // 0x04 data store length
        guard il <= Self.maximumEntryCount else {
            throw ImageError(layer, .limitExceeded, "index count \(il) above \(Self.maximumEntryCount)", at: base)
        }
        guard dl <= Self.maximumDataLength else {
            throw ImageError(layer, .limitExceeded, "data length \(dl) above \(Self.maximumDataLength)", at: base + 4)
        }
        guard il >= 1 else { throw ImageError(layer, .corrupt, "header without index entries", at: base) }
        let entryCount = Int(il)
        let dataLength = Int(dl)
        // Cannot overflow: both are bounded above, far below Int.max.
        let expected = 8 + 16 * entryCount + dataLength
        guard blob.count >= expected else {
            throw ImageError(
                layer, .truncated, "blob of \(blob.count) bytes, its counts need \(expected)", at: base)
        }
        guard blob.count == expected else {
            throw ImageError(
                layer, .corrupt, "blob of \(blob.count) bytes, its counts say \(expected)", at: base)
        }

        var raw: [(tag: UInt32, type: UInt32, offset: Int32, count: UInt32, at: UInt64)] = []
        raw.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            let at = r.offset
            let tag = try r.u32be()  // +0 tag
            let type = try r.u32be()  // +4 type
            let offset = Int32(bitPattern: try r.u32be())  // +8 offset into the store
            let count = try r.u32be()  // +12 count
            raw.append((tag, type, offset, count, at))
        }
        let storeBase = r.offset
        let store = try r.bytes(dataLength)

        // The region: entry 0 with a region tag, and its trailer inside the store.
        var regionTag: RPMTag?
        var regionEntryCount = 0
        var regionDataEnd = 0
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        let first = raw[0]
        if RPMTag(rawValue: first.tag).isRegion {
            let tag = RPMTag(rawValue: first.tag)
            guard first.type == RPMTagType.bin.rawValue, first.count == 16 else {
                throw ImageError(
                    layer, .corrupt, "region entry: type \(first.type) count \(first.count)", at: first.at)
            }
            guard first.offset >= 0, Int(first.offset) + 16 <= dataLength else {
                throw ImageError(
                    layer, .corrupt, "region trailer at \(first.offset) outside a \(dataLength)-byte store",
                    at: first.at)
            }
            let trailerAt = Int(first.offset)
            var t = ByteReader(
                Array(store[trailerAt..<trailerAt + 16]), layer: layer, base: storeBase + UInt64(trailerAt))
            var trailerTag = try t.u32be()  // +0 tag
            let trailerType = try t.u32be()  // +4 type
            let trailerOffset = Int32(bitPattern: try t.u32be())  // +8 −16·ril
            let trailerCount = try t.u32be()  // +12 count
            // Old packages put HEADERIMAGE in the signature region's trailer (rpm tolerates it).
            if tag == .headerSignatures, trailerTag == RPMTag.headerImage.rawValue { trailerTag = tag.rawValue }
            guard trailerTag == tag.rawValue, trailerType == RPMTagType.bin.rawValue, trailerCount == 16 else {
                throw ImageError(
                    layer, .corrupt,
                    "region trailer: tag \(trailerTag) type \(trailerType) count \(trailerCount), expected tag \(tag.rawValue)",
                    at: storeBase + UInt64(trailerAt))
            }
            let span = -Int64(trailerOffset)
            guard span > 0, span % 16 == 0, span / 16 <= Int64(entryCount) else {
                throw ImageError(
                    layer, .corrupt, "region trailer offset \(trailerOffset) for \(entryCount) entries",
                    at: storeBase + UInt64(trailerAt) + 8)
            }
            regionTag = tag
            regionEntryCount = Int(span / 16)
            regionDataEnd = trailerAt + 16
            entries.append(Entry(tag: tag, type: .bin, count: 16, range: trailerAt..<trailerAt + 16))
        }

        // Every other entry: known type, count ≥ 1, aligned, inside the store, in offset order.
        var end = 0
        for e in raw.dropFirst(regionTag == nil ? 0 : 1) {
            guard let type = RPMTagType(rawValue: e.type), type != .null else {
                throw ImageError(layer, .unsupported, "tag \(e.tag) has unknown type \(e.type)", at: e.at)
            }
            guard e.count >= 1, e.count <= dl else {
                throw ImageError(layer, .corrupt, "tag \(e.tag) count \(e.count) for a \(dl)-byte store", at: e.at)
            }
            guard e.offset >= 0, Int(e.offset) < dataLength else {
                throw ImageError(
                    layer, .corrupt, "tag \(e.tag) data offset \(e.offset) outside a \(dataLength)-byte store",
                    at: e.at)
            }
            let offset = Int(e.offset)
            guard offset % type.alignment == 0 else {
                throw ImageError(layer, .corrupt, "tag \(e.tag) data offset \(offset) misaligned", at: e.at)
            }
            guard end <= offset else {
                throw ImageError(
                    layer, .corrupt, "tag \(e.tag) data at \(offset) overlaps the previous entry", at: e.at)
            }
            let count = Int(e.count)
            let length = try Self.dataLength(
                type, count: count, store: store, from: offset, tag: e.tag, at: e.at)
            let entryEnd = offset + length
            if regionTag != nil, entryEnd > regionDataEnd - 16, offset < regionDataEnd {
                throw ImageError(layer, .corrupt, "tag \(e.tag) data overlaps the region trailer", at: e.at)
            }
            end = entryEnd
            entries.append(Entry(tag: RPMTag(rawValue: e.tag), type: type, count: count, range: offset..<entryEnd))
        }

        var index: [RPMTag: Int] = [:]
        for (i, e) in entries.enumerated() { index[e.tag] = i }
        self.entries = entries
        self.store = store
        self.regionTag = regionTag
        self.regionEntryCount = regionEntryCount
        self.base = base
        self.index = index
    }

    /// Bytes of an entry's data from `offset`, after checking it fits the store.
    private static func dataLength(
        _ type: RPMTagType, count: Int, store: [UInt8], from offset: Int, tag: UInt32, at: UInt64
    ) throws(ImageError) -> Int {
        let available = store.count - offset
        if let size = type.elementSize {
            // count ≤ dl ≤ 2^28 and size ≤ 8: no overflow.
            let length = size * count
            guard length <= available else {
                throw ImageError(
                    layer, .corrupt, "tag \(tag): \(count) × \(size) bytes past the end of the store", at: at)
            }
            return length
        }
        guard type != .string || count == 1 else {
            throw ImageError(layer, .corrupt, "tag \(tag): STRING with count \(count)", at: at)
        }
        // Strings: `count` NUL terminators must all lie inside the store.
        var position = offset
        var found = 0
        while found < count {
            guard let nul = store[position...].firstIndex(of: 0) else {
                throw ImageError(
                    layer, .corrupt, "tag \(tag): \(count - found) of \(count) strings run past the store", at: at)
            }
            found += 1
            position = nul + 1
        }
        return position - offset
    }

    /// The entry for `tag` (the later one when a dribble repeats a region tag), nil when absent.
    public func entry(_ tag: RPMTag) -> Entry? {
        guard let i = index[tag] else { return nil }
        return entries[i]
    }

    /// Whether the header has an entry for `tag`.
    public func contains(_ tag: RPMTag) -> Bool { index[tag] != nil }
}
