import BlockIO

/// The virtual disk of a VHDX file: the BAT maps each payload block to a 1 MiB-aligned place in
/// the file; every `chunkRatio` payload entries are followed by one sector-bitmap entry
/// (MS-VHDX 2.5). Unallocated blocks read as zeros, or from the parent of a differencing disk.
final class VHDXDevice: BlockDevice {
    static let layer = "vhdx"
    /// Payload block states (MS-VHDX 2.5.1.1) and sector bitmap states (2.5.1.2).
    enum State: UInt64 {
        case notPresent = 0
        case undefined = 1
        case zero = 2
        case unmapped = 3
        case fullyPresent = 6
        case partiallyPresent = 7
    }

    let file: any BlockDevice
    /// A small cache in front of `file` for BAT entries and sector bitmap bytes.
    let metadataCache: CachedDevice
    let size: UInt64
    let blockSize: UInt64
    let sectorSize: UInt64
    let chunkRatio: UInt64
    let batOffset: UInt64
    let batEntryCount: UInt64
    let parent: (any BlockDevice)?
    let isDifferencing: Bool

    /// Sectors covered by one sector bitmap block (1 MiB of bits).
    static let sectorsPerBitmap: UInt64 = 1 << 23

    init(file: any BlockDevice, metadata: VHDXMetadata, bat: VHDXRegionTable.Region, parent: (any BlockDevice)?) throws
    {
        let layer = Self.layer
        self.file = file
        metadataCache = CachedDevice(file, blockSize: 64 << 10, capacity: 64)
        size = metadata.virtualDiskSize
        blockSize = UInt64(metadata.blockSize)
        sectorSize = UInt64(metadata.logicalSectorSize)
        isDifferencing = metadata.hasParent
        self.parent = parent
        // 2.5: chunk ratio = 2^23 * logical sector size / block size (both powers of two, so exact).
        chunkRatio = Self.sectorsPerBitmap * sectorSize / blockSize
        let payloadBlocks = (size + blockSize - 1) / blockSize
        if isDifferencing {
            let bitmapBlocks = (payloadBlocks + chunkRatio - 1) / chunkRatio
            batEntryCount = bitmapBlocks * (chunkRatio + 1)
        } else {
            batEntryCount = payloadBlocks == 0 ? 0 : payloadBlocks + (payloadBlocks - 1) / chunkRatio
        }
        batOffset = bat.offset
        guard batEntryCount <= UInt64(bat.length) / 8 else {
            throw ImageError(
                layer, .corrupt, "BAT region of \(bat.length) bytes too small for \(batEntryCount) entries",
                at: bat.offset)
        }
        if let parent, parent.size != size {
            throw ImageError(layer, .corrupt, "parent disk size \(parent.size) differs from \(size)")
        }
    }

    /// The BAT entry at `index` and its device offset.
    private func entry(_ index: UInt64) throws -> (state: UInt64, fileOffset: UInt64, at: UInt64) {
        let at = batOffset + index * 8
        var r = try metadataCache.reader(at: at, count: 8, layer: Self.layer)
        let v = try r.u64le()
        return (v & 7, (v >> 20) << 20, at)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: Self.layer)
        try buffer.forEachChunk(at: offset, chunkBytes: blockSize, layer: Self.layer) { block, within, out in
            try readBlock(block, within: within, into: out)
        }
    }

    private func readBlock(_ block: UInt64, within: UInt64, into out: UnsafeMutableRawBufferPointer) throws {
        let e = try entry(block + block / chunkRatio)
        let pos = block * blockSize + within
        // Checked here so that adding the offset within the block cannot overflow.
        if e.state == State.fullyPresent.rawValue || e.state == State.partiallyPresent.rawValue,
            e.fileOffset > file.size
        {
            throw ImageError(
                Self.layer, .corrupt,
                "BAT entry points at \(e.fileOffset), past the end of the file (\(file.size) bytes)",
                at: e.at)
        }
        switch State(rawValue: e.state) {
        case .notPresent?, .undefined?:
            try parent.readPadded(into: out, at: pos)
        case .zero?, .unmapped?:
            out.initializeMemory(as: UInt8.self, repeating: 0)
        case .fullyPresent?:
            try readFile(into: out, at: e.fileOffset + within, entryAt: e.at)
        case .partiallyPresent?:
            guard isDifferencing else {
                throw ImageError(Self.layer, .corrupt, "partially present block in a disk without a parent", at: e.at)
            }
            try readPartial(block: block, fileOffset: e.fileOffset, within: within, into: out, entryAt: e.at)
        case nil:
            throw ImageError(Self.layer, .corrupt, "payload block state \(e.state)", at: e.at)
        }
    }

    private func readFile(into out: UnsafeMutableRawBufferPointer, at fileOffset: UInt64, entryAt: UInt64) throws {
        let (end, overflow) = fileOffset.addingReportingOverflow(UInt64(out.count))
        guard fileOffset >= 1 << 20, !overflow, end <= file.size else {
            throw ImageError(
                Self.layer, .corrupt,
                "BAT entry points at \(fileOffset), past the end of the file (\(file.size) bytes)",
                at: entryAt)
        }
        try file.read(into: out, at: fileOffset)
    }

    /// A partially present block: each logical sector comes from the file when its bit in the
    /// chunk's sector bitmap is set, from the parent otherwise (MS-VHDX 2.5.1.2).
    private func readPartial(
        block: UInt64, fileOffset: UInt64, within: UInt64, into out: UnsafeMutableRawBufferPointer, entryAt: UInt64
    ) throws {
        let chunk = block / chunkRatio
        let b = try entry(chunk * (chunkRatio + 1) + chunkRatio)
        guard b.state == 6 else {
            throw ImageError(
                Self.layer, .corrupt, "partially present block without a sector bitmap (state \(b.state))", at: b.at)
        }
        guard b.fileOffset >= 1 << 20, b.fileOffset <= file.size, file.size - b.fileOffset >= 1 << 20 else {
            throw ImageError(
                Self.layer, .corrupt, "sector bitmap at \(b.fileOffset) past the end of the file", at: b.at)
        }
        let blockStart = block * blockSize
        // Sector by sector (each has its own bit), bounded by the end of the request.
        try out.forEachChunk(at: blockStart + within, chunkBytes: sectorSize, layer: Self.layer) {
            sector, inSector, piece in
            let pos = sector * sectorSize + inSector
            let bit = sector - chunk * Self.sectorsPerBitmap
            let byte = try metadataCache.read(at: b.fileOffset + bit / 8, count: 1, layer: Self.layer)[0]
            if byte & (1 << UInt8(bit % 8)) != 0 {
                try readFile(into: piece, at: fileOffset + (pos - blockStart), entryAt: entryAt)
            } else {
                try parent.readPadded(into: piece, at: pos)
            }
        }
    }
}
