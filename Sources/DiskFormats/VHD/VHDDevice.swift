import BlockIO
import Synchronization

/// The virtual disk of a dynamic or differencing VHD: a `BlockDevice` over the image file that
/// maps reads through the block allocation table (BAT) and each block's sector bitmap.
///
/// BAT pages (4 KiB) and bitmaps are read when a read needs them and kept in bounded caches.
/// A sector whose bitmap bit is clear, or in a block the BAT does not allocate, reads as zeros
/// (dynamic) or from the parent (differencing).
public final class VHDDevice: BlockDevice {
    public let size: UInt64
    let file: any BlockDevice
    let header: VHDDynamicHeader
    let parent: (any BlockDevice)?

    static let batPageBytes: UInt64 = 4096

    struct Caches: Sendable {
        var batPages = BoundedCache<UInt64, [UInt8]>(countLimit: 64)
        var bitmaps = BoundedCache<UInt64, [UInt8]>(countLimit: 64)
    }
    let caches = Mutex(Caches())

    init(file: any BlockDevice, size: UInt64, header: VHDDynamicHeader, parent: (any BlockDevice)?) {
        self.file = file
        self.size = size
        self.header = header
        self.parent = parent
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "vhd")
        let blockSize = UInt64(header.blockSize)
        try buffer.forEachChunk(at: offset, chunkBytes: blockSize, layer: "vhd") { block, within, target in
            let (entry, entryOffset) = try batEntry(block)
            if entry == VHDDynamicHeader.unallocated {
                try parent.readPadded(into: target, at: block * blockSize + within)
            } else {
                try readBlock(entry, entryOffset: entryOffset, block: block, within: within, into: target)
            }
        }
    }

    /// Reads `target.count` bytes at `within` of an allocated block, sector run by sector run.
    private func readBlock(
        _ entry: UInt32, entryOffset: UInt64, block: UInt64, within: UInt64, into target: UnsafeMutableRawBufferPointer
    ) throws {
        let blockStart = UInt64(entry) * 512
        let dataStart = blockStart + header.bitmapBytes
        guard dataStart + UInt64(header.blockSize) <= file.size else {
            throw ImageError(
                "vhd", .corrupt,
                "BAT entry \(block) points to sector \(entry), past the end of the file (\(file.size) bytes)",
                at: entryOffset)
        }
        let bitmap = try self.bitmap(at: blockStart)
        func present(_ sector: UInt64) -> Bool { bitmap[Int(sector / 8)] & (0x80 >> UInt8(sector % 8)) != 0 }
        var done = 0
        while done < target.count {
            let pos = within + UInt64(done)
            let sector = pos / 512
            let state = present(sector)
            // Extend the run over following sectors in the same state.
            var end = (sector + 1) * 512
            while end < within + UInt64(target.count) && present(end / 512) == state { end += 512 }
            let count = Int(min(UInt64(target.count - done), end - pos))
            let part = UnsafeMutableRawBufferPointer(rebasing: target[done..<done + count])
            if state {
                try file.read(into: part, at: dataStart + pos)
            } else {
                try parent.readPadded(into: part, at: block * UInt64(header.blockSize) + pos)
            }
            done += count
        }
    }

    /// BAT entry `block` (a sector number, or `unallocated`) and its file offset.
    func batEntry(_ block: UInt64) throws -> (UInt32, UInt64) {
        let byte = block * 4
        let pageStart = byte / Self.batPageBytes * Self.batPageBytes
        let table = header.tableOffset
        let page: [UInt8]
        if let hit = caches.withLock({ $0.batPages[pageStart] }) {
            page = hit
        } else {
            // The header check put the whole table inside the file.
            let count = min(Self.batPageBytes, UInt64(header.maxTableEntries) * 4 - pageStart)
            page = try file.read(at: table + pageStart, count: Int(count), layer: "vhd")
            caches.withLock { $0.batPages.insert(page, for: pageStart) }
        }
        let r = ByteReader(page, layer: "vhd", base: table + pageStart)
        return (try r.u32be(at: Int(byte - pageStart)), table + byte)
    }

    private func bitmap(at blockStart: UInt64) throws -> [UInt8] {
        if let hit = caches.withLock({ $0.bitmaps[blockStart] }) { return hit }
        let bitmap = try file.read(at: blockStart, count: Int(header.bitmapBytes), layer: "vhd")
        caches.withLock { $0.bitmaps.insert(bitmap, for: blockStart) }
        return bitmap
    }
}
