import BlockIO

/// One Berkeley DB page: its header fields (in the database's byte order) and bytes.
struct BerkeleyDBPage {
    let bytes: [UInt8]
    /// Device offset of the page.
    let base: UInt64
    let littleEndian: Bool
    let next: UInt32
    let entryCount: Int
    /// `hf_offset`: the first byte of free space, or on overflow pages the bytes of data held.
    let highFreeOffset: Int
    let type: UInt8

    /// What a hash item holds.
    enum Item {
        /// H_KEYDATA: the item's bytes (after its type byte) on this page.
        case inline(Range<Int>)
        /// H_OFFPAGE: `length` bytes starting on overflow page `first`; `at` is the item's offset.
        case overflow(first: UInt32, length: UInt32, at: UInt64)
    }

    init(_ bytes: [UInt8], number: UInt32, at base: UInt64, littleEndian: Bool) throws(ImageError) {
        var r = ByteReader(bytes, layer: BerkeleyDBHash.layer, base: base)
        func u32() throws(ImageError) -> UInt32 { littleEndian ? try r.u32le() : try r.u32be() }
        func u16() throws(ImageError) -> UInt16 { littleEndian ? try r.u16le() : try r.u16be() }
        try r.skip(8)  // 0x00 lsn
        let pgno = try u32()  // 0x08 pgno
        _ = try u32()  // 0x0C prev_pgno
        next = try u32()  // 0x10 next_pgno
        entryCount = Int(try u16())  // 0x14 entries
        highFreeOffset = Int(try u16())  // 0x16 hf_offset
        _ = try r.u8()  // 0x18 level
        type = try r.u8()  // 0x19 type
        guard pgno == number else {
            throw ImageError(BerkeleyDBHash.layer, .corrupt, "page \(number) says it is page \(pgno)", at: base + 8)
        }
        self.bytes = bytes
        self.base = base
        self.littleEndian = littleEndian
    }

    /// The items of a hash page (P_HASH / P_HASH_UNSORTED), in index order: key, data, key, data…
    func hashItems() throws(ImageError) -> [Item] {
        let layer = BerkeleyDBHash.layer
        let header = BerkeleyDBHash.pageHeaderSize
        let pageSize = bytes.count
        guard entryCount <= (pageSize - header) / 2, entryCount % 2 == 0 else {
            throw ImageError(layer, .corrupt, "hash page with \(entryCount) entries", at: base + 0x14)
        }
        var r = ByteReader(bytes, layer: layer, base: base)
        try r.seek(to: header)
        let firstItem = header + 2 * entryCount
        var items: [Item] = []
        items.reserveCapacity(entryCount)
        var previous = pageSize
        for i in 0..<entryCount {
            let offset = Int(littleEndian ? try r.u16le() : try r.u16be())  // 0x1A + 2i
            guard offset >= firstItem, offset < previous else {
                throw ImageError(
                    layer, .corrupt, "item \(i) at \(offset) outside \(firstItem)..<\(previous)",
                    at: base + UInt64(header + 2 * i))
            }
            let length = previous - offset
            previous = offset
            switch bytes[offset] {
            case 1:  // H_KEYDATA
                items.append(.inline(offset + 1..<offset + length))
            case 3:  // H_OFFPAGE: type, 3 unused, pgno, tlen
                guard length == 12 else {
                    throw ImageError(layer, .corrupt, "off-page item of \(length) bytes", at: base + UInt64(offset))
                }
                var o = ByteReader(
                    Array(bytes[offset + 4..<offset + 12]), layer: layer, base: base + UInt64(offset + 4))
                let first = littleEndian ? try o.u32le() : try o.u32be()  // +4 pgno
                let total = littleEndian ? try o.u32le() : try o.u32be()  // +8 tlen
                items.append(.overflow(first: first, length: total, at: base + UInt64(offset)))
            case let t:
                // H_DUPLICATE, H_OFFDUP and H_BLOB never occur in rpm's Packages.
                throw ImageError(layer, .unsupported, "hash item type \(t)", at: base + UInt64(offset))
            }
        }
        return items
    }
}
