import BlockIO

/// The metadata region (MS-VHDX 2.6): a 64 KiB table of items, then the items. We read the
/// file parameters, virtual disk size, logical sector size and, for differencing disks, the
/// parent locator. Unknown items marked required are refused (2.6.1.2).
struct VHDXMetadata: Sendable {
    static let tableSize = 64 << 10
    static let maximumEntries = 2047
    /// Payload block size in bytes (1 MiB ... 256 MiB, a power of two).
    let blockSize: UInt32
    let leaveBlocksAllocated: Bool
    let hasParent: Bool
    let virtualDiskSize: UInt64
    let logicalSectorSize: UInt32
    /// Key/value pairs of the parent locator (differencing disks only).
    let parentLocator: [String: String]

    init(_ file: any BlockDevice, region: VHDXRegionTable.Region) throws {
        let layer = "vhdx"
        var r = try file.reader(at: region.offset, count: Self.tableSize, layer: layer)
        try r.expect(Array("metadata".utf8), "VHDX metadata table")  // 0x00 Signature
        _ = try r.u16le()  // 0x08 Reserved
        let entryCount = try r.u16le()  // 0x0A EntryCount
        try r.skip(20)  // 0x0C Reserved2
        guard entryCount <= Self.maximumEntries else {
            throw ImageError(layer, .limitExceeded, "metadata entry count \(entryCount)", at: region.offset + 0x0A)
        }
        var items: [VHDXGUID: (offset: UInt64, length: Int, at: UInt64)] = [:]
        for _ in 0..<entryCount {
            let at = r.offset
            let id = try VHDXGUID(&r)  // 0x00 ItemId
            let itemOffset = try r.u32le()  // 0x10 Offset (from region start)
            let length = try r.u32le()  // 0x14 Length
            let flags = try r.u32le()  // 0x18 IsUser, IsVirtualDisk, IsRequired
            _ = try r.u32le()  // 0x1C Reserved2
            // 2.6.1.2: items live after the table, inside the region, at most 1 MiB long.
            guard length <= 1 << 20,
                length == 0
                    || (itemOffset >= UInt32(Self.tableSize)
                        && UInt64(itemOffset) + UInt64(length) <= UInt64(region.length))
            else {
                throw ImageError(
                    layer, .corrupt, "metadata item \(id) at \(itemOffset) length \(length) outside its region", at: at)
            }
            let known: Set<VHDXGUID> = [
                .fileParameters, .virtualDiskSize, .virtualDiskID, .logicalSectorSize, .physicalSectorSize,
                .parentLocator,
            ]
            if !known.contains(id) {
                if flags & 4 != 0 {
                    throw ImageError(layer, .unsupported, "unknown required metadata item \(id)", at: at)
                }
                continue
            }
            guard items[id] == nil else { throw ImageError(layer, .corrupt, "metadata item \(id) twice", at: at) }
            items[id] = (region.offset + UInt64(itemOffset), Int(length), at)
        }
        func item(_ id: VHDXGUID, _ name: String, minimum: Int) throws -> ByteReader {
            guard let i = items[id] else {
                throw ImageError(layer, .corrupt, "metadata lacks the \(name) item", at: region.offset)
            }
            guard i.length >= minimum else {
                throw ImageError(layer, .corrupt, "metadata item \(name) of \(i.length) bytes", at: i.at)
            }
            return try file.reader(at: i.offset, count: i.length, layer: layer)
        }
        var p = try item(.fileParameters, "file parameters", minimum: 8)
        blockSize = try p.u32le()  // 0x00 BlockSize
        let parameterFlags = try p.u32le()  // 0x04 LeaveBlockAllocated, HasParent
        leaveBlocksAllocated = parameterFlags & 1 != 0
        hasParent = parameterFlags & 2 != 0
        guard blockSize >= 1 << 20, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw ImageError(layer, .corrupt, "block size \(blockSize)", at: p.base)
        }
        var s = try item(.virtualDiskSize, "virtual disk size", minimum: 8)
        virtualDiskSize = try s.u64le()  // 0x00 VirtualDiskSize
        var l = try item(.logicalSectorSize, "logical sector size", minimum: 4)
        logicalSectorSize = try l.u32le()  // 0x00 LogicalSectorSize
        guard logicalSectorSize == 512 || logicalSectorSize == 4096 else {
            throw ImageError(layer, .corrupt, "logical sector size \(logicalSectorSize)", at: l.base)
        }
        // 2.6.2.2: at most 64 TiB, a multiple of the logical sector size.
        guard virtualDiskSize <= 64 << 40, virtualDiskSize % UInt64(logicalSectorSize) == 0 else {
            throw ImageError(layer, .corrupt, "virtual disk size \(virtualDiskSize)", at: s.base)
        }
        if hasParent {
            guard let i = items[.parentLocator] else {
                throw ImageError(layer, .corrupt, "differencing disk without a parent locator", at: region.offset)
            }
            var pl = try file.reader(at: i.offset, count: i.length, layer: layer)
            parentLocator = try Self.parseParentLocator(&pl)
        } else {
            parentLocator = [:]
        }
    }

    /// MS-VHDX 2.6.2.6: a locator type GUID, a count, then key/value entries pointing at UTF-16LE
    /// strings inside the item.
    static func parseParentLocator(_ r: inout ByteReader) throws(ImageError) -> [String: String] {
        let base = r.base
        let type = try VHDXGUID(&r)  // 0x00 LocatorType
        _ = try r.u16le()  // 0x10 Reserved
        let count = try r.u16le()  // 0x12 KeyValueCount
        guard type == .vhdxParentLocatorType else {
            throw ImageError(r.layer, .unsupported, "parent locator type \(type)", at: base)
        }
        guard Int(count) <= (r.remaining / 12) else {
            throw ImageError(r.layer, .corrupt, "parent locator with \(count) entries", at: base + 0x12)
        }
        func string(_ offset: UInt32, _ length: UInt16, _ at: UInt64) throws(ImageError) -> String {
            let start = Int(offset)
            let end = start + Int(length)
            guard length % 2 == 0, end <= r.bytes.count, start >= 20 else {
                throw ImageError(r.layer, .corrupt, "parent locator string at \(offset) length \(length)", at: at)
            }
            var s = ByteReader(Array(r.bytes[start..<end]), layer: r.layer, base: r.base + UInt64(start))
            return try s.utf16le(units: Int(length) / 2)
        }
        var out: [String: String] = [:]
        for _ in 0..<count {
            let at = r.offset
            let keyOffset = try r.u32le()  // 0x00 KeyOffset
            let valueOffset = try r.u32le()  // 0x04 ValueOffset
            let keyLength = try r.u16le()  // 0x08 KeyLength
            let valueLength = try r.u16le()  // 0x0A ValueLength
            out[try string(keyOffset, keyLength, at)] = try string(valueOffset, valueLength, at)
        }
        return out
    }
}
