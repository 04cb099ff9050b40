import BlockIO
import Codecs
import Synchronization

/// A hosted sparse extent (monolithicSparse, twoGbMaxExtentSparse pieces, streamOptimized) as a
/// device of `size` bytes: grain directory → grain tables → grains (VMware "Virtual Disk Format
/// 1.1", "Grain Directories and Grain Tables", "Stream-Optimized Compressed Sparse Extents").
/// Unallocated grains read from `parent` (a differencing disk) or as zeros.
final class VMDKSparseExtent: BlockDevice {
    static let layer = "vmdk"
    static let maximumGDEntries = 1 << 22
    static let cachedGrainTables = 64
    /// Inflated grains kept (64 KiB each for the usual 128-sector grain: 16 MiB). Reads come in
    /// file-system blocks (4 KiB), so the other blocks of a grain come back here; with 32 grains
    /// a Debian check inflated and read 60 of its ~290 grains twice.
    static let cachedGrains = 256

    let file: any BlockDevice
    let header: VMDKSparseHeader
    let size: UInt64
    let parent: (any BlockDevice)?
    let grainBytes: UInt64
    /// Sector offsets of the grain tables (0: none), already checked to lie inside the file.
    private let directory: [UInt32]
    private let directoryOffset: UInt64

    private struct Cache {
        var tables = BoundedCache<Int, [UInt32]>(countLimit: VMDKSparseExtent.cachedGrainTables)
        var grains = BoundedCache<UInt64, [UInt8]>(countLimit: VMDKSparseExtent.cachedGrains)
    }
    private let cache = Mutex(Cache())

    /// `size` is the extent's length as the descriptor states it (the header's capacity when
    /// there is no descriptor); grains past the header's capacity read as zeros.
    init(file: any BlockDevice, header: VMDKSparseHeader, size: UInt64, parent: (any BlockDevice)?) throws {
        let layer = Self.layer
        self.file = file
        self.size = size
        self.parent = parent
        grainBytes = header.grainSectors * 512
        let count = try Checked.int(
            header.gdEntryCount, limit: Self.maximumGDEntries, "grain directory entries", layer,
            at: header.offset + 0x0C)
        // Choose the grain directory: the primary unless it is absent or outside the file, then the
        // redundant copy (which the redundant-grain-table flag promises).
        var candidates: [(UInt64, UInt64)] = [(header.gdSector, header.offset + 0x38)]
        if header.flags.contains(.redundantGrainTable) || header.redundantGDSector != 0 {
            candidates.append((header.redundantGDSector, header.offset + 0x30))
        }
        var chosen: (directory: [UInt32], offset: UInt64)?
        var firstError: ImageError?
        for (sector, fieldAt) in candidates {
            do {
                chosen = try Self.loadDirectory(file, sector: sector, count: count, header: header, fieldAt: fieldAt)
                break
            } catch let e as ImageError {
                firstError = firstError ?? e
            }
        }
        guard let chosen else {
            throw firstError ?? ImageError(layer, .corrupt, "no usable grain directory", at: header.offset + 0x38)
        }
        directory = chosen.directory
        directoryOffset = chosen.offset
        self.header = header
    }

    /// Reads and checks a grain directory: every table inside the file, after the header, and no
    /// table shared by two entries (a loop in the mapping, never written by VMware or qemu).
    private static func loadDirectory(
        _ file: any BlockDevice, sector: UInt64, count: Int, header: VMDKSparseHeader, fieldAt: UInt64
    ) throws -> ([UInt32], UInt64) {
        let layer = Self.layer
        guard sector != 0, sector != VMDKSparseHeader.gdAtEnd else {
            throw ImageError(layer, .corrupt, "grain directory offset \(sector == 0 ? "0" : "GD_AT_END")", at: fieldAt)
        }
        let offset = try Checked.mul(sector, 512, layer, at: fieldAt)
        guard offset < file.size, UInt64(count) * 4 <= file.size - offset else {
            throw ImageError(
                layer, .corrupt, "grain directory at sector \(sector) past the end of the file", at: fieldAt)
        }
        var r = try file.reader(at: offset, count: count * 4, layer: layer)
        var out: [UInt32] = []
        out.reserveCapacity(count)
        var seen: [UInt32: Int] = [:]
        let tableBytes = UInt64(header.gtesPerGT) * 4
        for i in 0..<count {
            let at = r.offset
            let gt = try r.u32le()
            if gt != 0 {
                let start = UInt64(gt) * 512
                guard gt >= 1, start < file.size, tableBytes <= file.size - start else {
                    throw ImageError(
                        layer, .corrupt,
                        "grain directory entry \(i): grain table at sector \(gt) past the end of the file", at: at)
                }
                if let j = seen[gt] {
                    throw ImageError(
                        layer, .loop, "grain table at sector \(gt) is used by directory entries \(j) and \(i)", at: at)
                }
                seen[gt] = i
            }
            out.append(gt)
        }
        return (out, offset)
    }

    /// Entry `index` of grain table `table`, cached per table.
    private func grainTableEntry(table: Int, index: Int) throws -> (UInt32, UInt64) {
        let gt = directory[table]
        let tableOffset = UInt64(gt) * 512
        if let hit = cache.withLock({ $0.tables[table] }) { return (hit[index], tableOffset + UInt64(index) * 4) }
        var r = try file.reader(at: tableOffset, count: Int(header.gtesPerGT) * 4, layer: Self.layer)
        var entries: [UInt32] = []
        entries.reserveCapacity(Int(header.gtesPerGT))
        for _ in 0..<header.gtesPerGT { entries.append(try r.u32le()) }
        cache.withLock { $0.tables.insert(entries, for: table) }
        return (entries[index], tableOffset + UInt64(index) * 4)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: Self.layer)
        try buffer.forEachChunk(at: offset, chunkBytes: grainBytes, layer: Self.layer) { grain, within, out in
            try readGrain(grain, within: within, into: out)
        }
    }

    private func readGrain(_ grain: UInt64, within: UInt64, into out: UnsafeMutableRawBufferPointer) throws {
        let pos = grain * grainBytes + within
        let table = Int(grain / UInt64(header.gtesPerGT))
        guard grain * header.grainSectors < header.capacity, table < directory.count, directory[table] != 0 else {
            return try parent.readPadded(into: out, at: pos)
        }
        let (gte, gteAt) = try grainTableEntry(table: table, index: Int(grain % UInt64(header.gtesPerGT)))
        if gte == 0 { return try parent.readPadded(into: out, at: pos) }
        // With the zeroed-grain flag, GTE 1 means "reads as zeros, even over a parent".
        if gte == 1, header.flags.contains(.zeroedGrainGTE) {
            out.initializeMemory(as: UInt8.self, repeating: 0)
            return
        }
        let grainOffset = UInt64(gte) * 512
        guard UInt64(gte) >= max(1, header.overheadSectors), grainOffset < file.size else {
            throw ImageError(
                Self.layer, .corrupt, "grain table entry points at sector \(gte), outside the grain area of the file",
                at: gteAt)
        }
        if header.flags.contains(.compressedGrains) {
            let data = try compressedGrain(grain, at: grainOffset, gteAt: gteAt)
            let start = Int(within)
            data.withUnsafeBytes { src in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + out.count]))
            }
            return
        }
        guard grainOffset + within + UInt64(out.count) <= file.size else {
            throw ImageError(Self.layer, .corrupt, "grain at sector \(gte) runs past the end of the file", at: gteAt)
        }
        try file.read(into: out, at: grainOffset + within)
    }

    /// A compressed grain: a marker (lba u64, size u32) then a zlib stream that must inflate to at
    /// most one grain; a short grain is padded with zeros.
    private func compressedGrain(_ grain: UInt64, at offset: UInt64, gteAt: UInt64) throws -> [UInt8] {
        if let hit = cache.withLock({ $0.grains[grain] }) { return hit }
        var m = try file.reader(at: offset, count: 12, layer: Self.layer)
        let lba = try m.u64le()  // 0x00 lba (sectors)
        let length = try m.u32le()  // 0x08 size (compressed bytes)
        guard lba == grain * header.grainSectors else {
            throw ImageError(
                Self.layer, .corrupt, "grain marker names sector \(lba), expected \(grain * header.grainSectors)",
                at: offset)
        }
        guard UInt64(length) <= 2 * grainBytes + 4096, UInt64(length) <= file.size - offset - 12 else {
            throw ImageError(Self.layer, .corrupt, "compressed grain of \(length) bytes", at: offset + 8)
        }
        let compressed = try file.read(at: offset + 12, count: Int(length), layer: Self.layer)
        // A stream cut off before its end is corrupt (zlib's uncompress, as qemu reads a grain);
        // output past the grain has always been .limitExceeded here. Errors name the marker.
        let output = OutputLimit.zeroFilled(
            upTo: Int(grainBytes), named: "the grain size", cutOff: .corrupt, overflow: .limitExceeded)
        let data = try Inflate.decode(
            compressed, wrapper: .zlib, output: output, what: "compressed grain", layer: Self.layer, offset: offset)
        cache.withLock { $0.grains.insert(data, for: grain) }
        return data
    }
}
