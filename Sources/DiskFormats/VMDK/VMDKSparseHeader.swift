import BlockIO

/// The hosted sparse extent header (VMware "Virtual Disk Format 1.1", "Hosted Sparse Extent
/// Header"), 512 bytes little-endian at sector 0 of a sparse extent, and again as the footer
/// of a stream-optimized file whose `gdOffset` is `GD_AT_END`.
struct VMDKSparseHeader: Sendable {
    static let size = 512
    static let magic: [UInt8] = Array("KDMV".utf8)
    static let gdAtEnd = UInt64.max
    /// Limits that keep tables and allocations bounded (VMware uses 128 sectors and 512 entries).
    static let maximumGrainSectors: UInt64 = 1 << 11  // 1 MiB grains
    static let maximumGTEsPerGT: UInt32 = 1 << 16

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt32
        static let validNewlineTest = Flags(rawValue: 1 << 0)
        static let redundantGrainTable = Flags(rawValue: 1 << 1)
        static let zeroedGrainGTE = Flags(rawValue: 1 << 2)
        static let compressedGrains = Flags(rawValue: 1 << 16)
        static let markers = Flags(rawValue: 1 << 17)
    }

    let version: UInt32
    let flags: Flags
    /// Extent size in sectors.
    let capacity: UInt64
    let grainSectors: UInt64
    let descriptorSector: UInt64
    let descriptorSectors: UInt64
    let gtesPerGT: UInt32
    let redundantGDSector: UInt64
    let gdSector: UInt64
    let overheadSectors: UInt64
    let uncleanShutdown: Bool
    let compressAlgorithm: UInt16
    let offset: UInt64

    init(_ r: inout ByteReader) throws(ImageError) {
        offset = r.base
        try r.expect(Self.magic, "VMDK sparse extent")  // 0x00 magicNumber "KDMV"
        version = try r.u32le()  // 0x04 version
        flags = Flags(rawValue: try r.u32le())  // 0x08 flags
        capacity = try r.u64le()  // 0x0C capacity (sectors)
        grainSectors = try r.u64le()  // 0x14 grainSize (sectors)
        descriptorSector = try r.u64le()  // 0x1C descriptorOffset
        descriptorSectors = try r.u64le()  // 0x24 descriptorSize
        gtesPerGT = try r.u32le()  // 0x2C numGTEsPerGT
        redundantGDSector = try r.u64le()  // 0x30 rgdOffset
        gdSector = try r.u64le()  // 0x38 gdOffset
        overheadSectors = try r.u64le()  // 0x40 overHead
        uncleanShutdown = try r.u8() != 0  // 0x48 uncleanShutdown
        let newlineTest = try r.bytes(4)  // 0x49 '\n' ' ' '\r' '\n'
        compressAlgorithm = try r.u16le()  // 0x4D compressAlgorithm
        guard (1...3).contains(version) else {
            throw ImageError(r.layer, .unsupported, "VMDK sparse version \(version)", at: offset + 4)
        }
        // Files transferred in text mode mangle these bytes: the grains would be garbage too.
        if flags.contains(.validNewlineTest), newlineTest != [0x0A, 0x20, 0x0D, 0x0A] {
            throw ImageError(
                r.layer, .corrupt, "VMDK newline test bytes damaged (text-mode transfer?)", at: offset + 0x49)
        }
        guard grainSectors >= 1, grainSectors <= Self.maximumGrainSectors, grainSectors & (grainSectors - 1) == 0 else {
            throw ImageError(r.layer, .corrupt, "grain size of \(grainSectors) sectors", at: offset + 0x14)
        }
        guard gtesPerGT >= 1, gtesPerGT <= Self.maximumGTEsPerGT else {
            throw ImageError(r.layer, .corrupt, "\(gtesPerGT) entries per grain table", at: offset + 0x2C)
        }
        guard capacity <= (1 << 47) else {  // 64 PiB in sectors: anything bigger is damage
            throw ImageError(r.layer, .corrupt, "capacity of \(capacity) sectors", at: offset + 0x0C)
        }
        if flags.contains(.compressedGrains), compressAlgorithm != 1 {
            throw ImageError(
                r.layer, .unsupported, "grain compression algorithm \(compressAlgorithm)", at: offset + 0x4D)
        }
    }

    /// Bytes covered by one grain table.
    var bytesPerGT: UInt64 { UInt64(gtesPerGT) * grainSectors * 512 }
    /// Number of grain directory entries needed for `capacity`.
    var gdEntryCount: UInt64 {
        let grains = (capacity + grainSectors - 1) / grainSectors
        return (grains + UInt64(gtesPerGT) - 1) / UInt64(gtesPerGT)
    }
}
