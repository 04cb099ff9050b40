import BlockIO

// rpm's ndb package database (`Packages.db`, rpm ≥ 4.16 "ndb" backend: SUSE 15, openSUSE), read-only
// (rpm's lib/backend/ndb/rpmpkg.c). Little-endian throughout; the file is made of 16-byte blocks.
//
//   slot pages: slotnpages × 4096 bytes at offset 0, 16-byte slots; the first two are the header
//     0x00 magic "RpmP" | 0x04 version u32 (0) | 0x08 generation u32 | 0x0C slotnpages u32
//     0x10 nextpkgidx u32 | 0x14 reserved
//   slot (16 bytes):  +0 magic "Slot" | +4 pkgidx u32 | +8 blkoff u32 (0: free) | +12 blkcnt u32
//
//   blob at blkoff × 16, blkcnt × 16 bytes:
//     head  +0 magic "BlbS" | +4 pkgidx u32 | +8 generation u32 | +12 bloblen u32
//     the header blob (bloblen bytes), zero padding to the block
//     tail  adler32 u32 (of head, blob and padding) | bloblen u32 | magic "BlbE"
//   blkcnt = ceil((16 + bloblen + 12) / 16); blobs lie after the slot pages.

/// The slots and blobs of an ndb `Packages.db`; every slot is checked against the file, and
/// every blob's head, tail and Adler-32 checksum against its slot.
public struct NDBPackages: Sendable {
    public static let layer = "ndb"
    static let pageSize = 4096
    static let blockSize = 16
    static let headSize = 16
    static let tailSize = 12

    /// One used slot: a package number and where its blob lies.
    public struct Slot: Sendable, Equatable {
        public let packageIndex: UInt32
        public let blockOffset: UInt32
        public let blockCount: UInt32
        /// Byte offset of the slot itself, for errors.
        public let at: UInt64
    }

    public let device: any BlockDevice
    public let generation: UInt32
    public let slotPageCount: Int
    /// Used slots in file order.
    public let slots: [Slot]
    public let maximumBlobLength: Int

    /// Reads the header and every slot page.
    /// - Throws: `ImageError` (layer `ndb`): `.badMagic` without "RpmP" or with a bad slot magic,
    ///   `.unsupported` for another version, `.truncated` for slot pages or a blob past the end of
    ///   the file, `.corrupt` for an inconsistent slot.
    public init(device: any BlockDevice, maximumBlobLength: Int = 256 << 20) throws {
        let layer = Self.layer
        self.device = device
        self.maximumBlobLength = maximumBlobLength
        guard device.size >= 32 else { throw ImageError(layer, .truncated, "\(device.size)-byte file") }
        var h = try device.reader(at: 0, count: 32, layer: layer)
        try h.expect(Array("RpmP".utf8), "ndb")  // 0x00 magic
        let version = try h.u32le()  // 0x04 version
        generation = try h.u32le()  // 0x08 generation
        let pages = try h.u32le()  // 0x0C slotnpages
        guard version == 0 else { throw ImageError(layer, .unsupported, "ndb version \(version)", at: 4) }
        guard device.size % UInt64(Self.blockSize) == 0 else {
            throw ImageError(layer, .corrupt, "file size \(device.size) is not a multiple of 16")
        }
        let fileBlocks = device.size / UInt64(Self.blockSize)
        guard pages >= 1, UInt64(pages) * UInt64(Self.pageSize) <= device.size else {
            throw ImageError(layer, .truncated, "\(pages) slot pages in a \(device.size)-byte file", at: 0x0C)
        }
        slotPageCount = Int(pages)
        let firstBlob = UInt64(pages) * UInt64(Self.pageSize / Self.blockSize)
        var slots: [Slot] = []
        for page in 0..<slotPageCount {
            let pageOffset = UInt64(page) * UInt64(Self.pageSize)
            var r = try device.reader(at: pageOffset, count: Self.pageSize, layer: layer)
            if page == 0 { try r.seek(to: 32) }  // the header takes the first two slots
            while !r.isAtEnd {
                let at = r.offset
                try r.expect(Array("Slot".utf8), "ndb slot")  // +0 magic
                let index = try r.u32le()  // +4 pkgidx
                let offset = try r.u32le()  // +8 blkoff
                let count = try r.u32le()  // +12 blkcnt
                if offset == 0 { continue }  // a free slot
                guard index != 0, count != 0, UInt64(offset) >= firstBlob else {
                    throw ImageError(
                        layer, .corrupt,
                        "slot for package \(index): blocks \(offset)+\(count) (blobs start at \(firstBlob))",
                        at: at)
                }
                guard UInt64(offset) + UInt64(count) <= fileBlocks else {
                    throw ImageError(
                        layer, .truncated,
                        "slot for package \(index): blocks \(offset)+\(count) past the end of the file (\(fileBlocks) blocks)",
                        at: at)
                }
                slots.append(Slot(packageIndex: index, blockOffset: offset, blockCount: count, at: at))
            }
        }
        self.slots = slots
    }

    /// The blob of `slot`, after checking its head, tail and checksum.
    public func blob(_ slot: Slot) throws -> (bytes: [UInt8], offset: UInt64) {
        let layer = Self.layer
        let start = UInt64(slot.blockOffset) * UInt64(Self.blockSize)
        let byteCount = UInt64(slot.blockCount) * UInt64(Self.blockSize)
        guard byteCount >= UInt64(Self.headSize + Self.tailSize),
            byteCount <= UInt64(maximumBlobLength + Self.headSize + Self.tailSize + Self.blockSize)
        else {
            throw ImageError(layer, .limitExceeded, "blob of \(slot.blockCount) blocks", at: slot.at)
        }
        let bytes = try device.read(at: start, count: Int(byteCount), layer: layer)
        var r = ByteReader(bytes, layer: layer, base: start)
        try r.expect(Array("BlbS".utf8), "ndb blob")  // +0 magic
        let index = try r.u32le()  // +4 pkgidx
        _ = try r.u32le()  // +8 generation
        let length = try r.u32le()  // +12 bloblen
        guard index == slot.packageIndex else {
            throw ImageError(
                layer, .corrupt, "blob of package \(index) in the slot of \(slot.packageIndex)", at: start + 4)
        }
        let needed = (UInt64(Self.headSize) + UInt64(length) + UInt64(Self.tailSize) + 15) / 16
        guard needed == UInt64(slot.blockCount) else {
            throw ImageError(
                layer, .corrupt, "blob of \(length) bytes in \(slot.blockCount) blocks (needs \(needed))",
                at: start + 12)
        }
        let tailStart = bytes.count - Self.tailSize
        var t = ByteReader(Array(bytes[tailStart...]), layer: layer, base: start + UInt64(tailStart))
        let checksum = try t.u32le()  // tail +0 adler32
        let tailLength = try t.u32le()  // tail +4 bloblen
        try t.expect(Array("BlbE".utf8), "ndb blob tail")  // tail +8 magic
        guard tailLength == length else {
            throw ImageError(
                layer, .corrupt, "blob tail says \(tailLength) bytes, head \(length)", at: start + UInt64(tailStart) + 4
            )
        }
        let computed = Self.adler32(bytes[0..<tailStart])
        guard computed == checksum else {
            throw ImageError(
                layer, .corrupt,
                "blob of package \(index): Adler-32 \(String(computed, radix: 16)) ≠ \(String(checksum, radix: 16))",
                at: start + UInt64(tailStart))
        }
        let blobStart = Self.headSize
        return (Array(bytes[blobStart..<blobStart + Int(length)]), start + UInt64(blobStart))
    }

    /// Adler-32 (RFC 1950 §8.2), as rpmpkg.c computes it over a blob's head, data and padding.
    public static func adler32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            // 5552 bytes is the most that cannot overflow 32 bits before the modulo (RFC 1950).
            let end = min(i + 5552, bytes.endIndex)
            while i < end {
                a &+= UInt32(bytes[i])
                b &+= a
                i += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}
