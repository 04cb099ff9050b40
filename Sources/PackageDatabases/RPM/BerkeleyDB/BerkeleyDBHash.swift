import BlockIO

// Berkeley DB hash access method, read-only (Berkeley DB 4.x/5.x on-disk format, "dbinc/db_page.h";
// what rpm ≤ 4.15 writes as /var/lib/rpm/Packages). Fixed-size pages; page 0 is the metadata.
//
//   metadata page (HMETA)                         page header (PAGE, 26 bytes)
//   0x00 lsn            8                         0x00 lsn             8
//   0x08 pgno           u32                       0x08 pgno            u32   must equal its number
//   0x0C magic          u32  0x00061561           0x0C prev_pgno       u32
//   0x10 version        u32  8…10                 0x10 next_pgno       u32   bucket / overflow chain
//   0x14 pagesize       u32  512…65536            0x14 entries         u16
//   0x18 encrypt_alg    u8                        0x16 hf_offset       u16   overflow: bytes on page
//   0x19 type           u8   8 (P_HASHMETA)       0x18 level           u8
//   0x1A metaflags      u8                        0x19 type            u8    13 P_HASH, 7 P_OVERFLOW
//   0x20 last_pgno      u32                       0x1A entries × u16 item offsets …
//   0x48 max_bucket     u32                            … items packed from the end of the page
//   0x4C high_mask      u32
//   0x50 low_mask       u32                       hash item, first byte = type:
//   0x60 spares[32]     u32                         1 H_KEYDATA  bytes follow (length from offsets)
//                                                   3 H_OFFPAGE  0x04 pgno u32, 0x08 tlen u32
//
// Items on a hash page alternate key, data; item i spans from its offset to the previous item's
// offset (the page end for i = 0). Bucket b starts on page b + spares[bits(b)] (bits(0) = 0) and
// continues through next_pgno. Byte order is the writer's: the magic read little-endian tells.

/// A Berkeley DB hash database, walked bucket by bucket; every page is checked (type, number,
/// offsets) and visited at most once, so a cyclic bucket or overflow chain is a `.loop` error.
public struct BerkeleyDBHash: Sendable {
    public static let layer = "bdb"
    static let pageHeaderSize = 26

    /// The hash metadata page.
    public struct Metadata: Sendable, Equatable {
        public let littleEndian: Bool
        public let version: UInt32
        public let pageSize: Int
        public let lastPage: UInt32
        public let maxBucket: UInt32
        public let highMask: UInt32
        public let lowMask: UInt32
        public let spares: [UInt32]

        init(_ bytes: [UInt8]) throws(ImageError) {
            let layer = BerkeleyDBHash.layer
            var r = ByteReader(bytes, layer: layer)
            let magicLE = try r.u32le(at: 0x0C)
            if magicLE == 0x0006_1561 {
                littleEndian = true
            } else if magicLE == 0x6115_0600 {
                littleEndian = false
            } else if magicLE == 0x0005_3162 || magicLE == 0x6231_0500 {
                throw ImageError(layer, .unsupported, "a Berkeley DB btree, not a hash", at: 0x0C)
            } else {
                throw ImageError(layer, .badMagic, "bad Berkeley DB hash magic", at: 0x0C)
            }
            let le = littleEndian
            func u32() throws(ImageError) -> UInt32 { le ? try r.u32le() : try r.u32be() }
            try r.seek(to: 0x10)
            version = try u32()  // 0x10 version
            let pageSize = try u32()  // 0x14 pagesize
            let encryption = try r.u8()  // 0x18 encrypt_alg
            let type = try r.u8()  // 0x19 type
            let metaFlags = try r.u8()  // 0x1A metaflags
            try r.seek(to: 0x20)
            lastPage = try u32()  // 0x20 last_pgno
            try r.seek(to: 0x48)
            maxBucket = try u32()  // 0x48 max_bucket
            highMask = try u32()  // 0x4C high_mask
            lowMask = try u32()  // 0x50 low_mask
            try r.seek(to: 0x60)
            var spares: [UInt32] = []
            for _ in 0..<32 { spares.append(try u32()) }  // 0x60 spares[32]
            self.spares = spares

            guard (8...10).contains(version) else {
                throw ImageError(layer, .unsupported, "hash version \(version)", at: 0x10)
            }
            guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
                throw ImageError(layer, .corrupt, "page size \(pageSize)", at: 0x14)
            }
            self.pageSize = Int(pageSize)
            guard encryption == 0 else {
                throw ImageError(layer, .unsupported, "encrypted database (algorithm \(encryption))", at: 0x18)
            }
            guard type == 8 else { throw ImageError(layer, .corrupt, "metadata page type \(type)", at: 0x19) }
            // Checksummed pages move the item offsets; rpm never enables checksums.
            guard metaFlags & 0x01 == 0 else {
                throw ImageError(layer, .unsupported, "page checksums", at: 0x1A)
            }
            guard maxBucket <= lastPage else {
                throw ImageError(layer, .corrupt, "max_bucket \(maxBucket) above last page \(lastPage)", at: 0x48)
            }
        }
    }

    public let device: any BlockDevice
    public let metadata: Metadata
    /// The largest value (or key) assembled from overflow pages.
    public let maximumValueLength: Int

    /// Reads and checks the metadata page.
    /// - Throws: `ImageError` (layer `bdb`): `.badMagic` when it is not a hash database,
    ///   `.unsupported` for encryption, checksums or an unknown version, `.truncated` when the
    ///   file is shorter than its last page.
    public init(device: any BlockDevice, maximumValueLength: Int = 256 << 20) throws {
        self.device = device
        self.maximumValueLength = maximumValueLength
        guard device.size >= 512 else {
            throw ImageError(Self.layer, .truncated, "\(device.size) bytes, shorter than a metadata page")
        }
        metadata = try Metadata(try device.read(at: 0, count: 512, layer: Self.layer))
        let end = try Checked.mul(UInt64(metadata.lastPage) + 1, UInt64(metadata.pageSize), Self.layer)
        guard end <= device.size else {
            throw ImageError(
                Self.layer, .truncated, "last page \(metadata.lastPage) ends at \(end), past the file (\(device.size))",
                at: 0x20)
        }
    }

    /// The first page of bucket `b`.
    func bucketPage(_ bucket: UInt32) throws(ImageError) -> UInt32 {
        let bits = bucket == 0 ? 0 : 32 - bucket.leadingZeroBitCount
        let (page, overflow) = bucket.addingReportingOverflow(metadata.spares[bits])
        guard !overflow, page >= 1, page <= metadata.lastPage else {
            throw ImageError(
                Self.layer, .corrupt, "bucket \(bucket) maps to page \(page) outside 1…\(metadata.lastPage)", at: 0x60)
        }
        return page
    }

    /// Calls `body(key, value, valueOffset)` for every record, bucket by bucket.
    /// `valueOffset` is the device offset of the value when it lies on one page, else nil.
    public func forEachRecord(_ body: ([UInt8], [UInt8], UInt64?) throws -> Void) throws {
        var visited = Set<UInt32>()
        for bucket in 0...metadata.maxBucket {
            var number = try bucketPage(bucket)
            while number != 0 {
                let page = try readPage(number, visited: &visited)
                guard page.type == 13 || page.type == 2 else {
                    throw ImageError(
                        Self.layer, .corrupt, "page \(number) of bucket \(bucket) has type \(page.type)",
                        at: page.base + 0x19)
                }
                let items = try page.hashItems()
                var i = 0
                while i + 1 < items.count {
                    let key = try value(of: items[i], on: page, visited: &visited)
                    let data = try value(of: items[i + 1], on: page, visited: &visited)
                    try body(key.bytes, data.bytes, data.offset)
                    i += 2
                }
                number = page.next
            }
        }
    }

    /// Reads page `number` once; a second visit is a loop.
    func readPage(_ number: UInt32, visited: inout Set<UInt32>) throws -> BerkeleyDBPage {
        guard number >= 1, number <= metadata.lastPage else {
            throw ImageError(Self.layer, .corrupt, "page \(number) outside 1…\(metadata.lastPage)")
        }
        guard visited.insert(number).inserted else {
            throw ImageError(
                Self.layer, .loop, "page \(number) reached twice",
                at: UInt64(number) * UInt64(metadata.pageSize))
        }
        let offset = UInt64(number) * UInt64(metadata.pageSize)
        return try BerkeleyDBPage(
            try device.read(at: offset, count: metadata.pageSize, layer: Self.layer), number: number, at: offset,
            littleEndian: metadata.littleEndian)
    }

    /// The bytes of a key or data item: inline, or assembled from its overflow chain.
    private func value(of item: BerkeleyDBPage.Item, on page: BerkeleyDBPage, visited: inout Set<UInt32>)
        throws -> (bytes: [UInt8], offset: UInt64?)
    {
        switch item {
        case .inline(let range):
            return (Array(page.bytes[range]), page.base + UInt64(range.lowerBound))
        case .overflow(let first, let length, let at):
            guard let total = Int(exactly: length), total >= 1, total <= maximumValueLength else {
                throw ImageError(Self.layer, .limitExceeded, "overflow item of \(length) bytes", at: at)
            }
            var out: [UInt8] = []
            out.reserveCapacity(min(total, Int(metadata.lastPage) * metadata.pageSize))
            var number = first
            while out.count < total {
                guard number != 0 else {
                    throw ImageError(
                        Self.layer, .truncated, "overflow chain ends after \(out.count) of \(total) bytes",
                        at: at)
                }
                let page = try readPage(number, visited: &visited)
                guard page.type == 7 else {
                    throw ImageError(
                        Self.layer, .corrupt, "overflow page \(number) has type \(page.type)",
                        at: page.base + 0x19)
                }
                let onPage = page.highFreeOffset
                guard onPage <= metadata.pageSize - Self.pageHeaderSize, onPage <= total - out.count else {
                    throw ImageError(
                        Self.layer, .corrupt, "overflow page \(number) holds \(onPage) bytes",
                        at: page.base + 0x16)
                }
                out += page.bytes[Self.pageHeaderSize..<Self.pageHeaderSize + onPage]
                guard onPage > 0 || page.next != 0 else { break }
                number = page.next
            }
            guard out.count == total else {
                throw ImageError(Self.layer, .truncated, "overflow chain gives \(out.count) of \(total) bytes", at: at)
            }
            return (out, nil)
        }
    }
}
