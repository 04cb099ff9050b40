import BlockIO

/// The qcow2 header, versions 2 and 3 (qcow2 spec, "Header"): everything but the header
/// extensions, validated against the file size.
struct QCOW2Header: Sendable {
    static let magic: [UInt8] = [0x51, 0x46, 0x49, 0xFB]
    /// Bytes of a version 2 header; version 3 headers are at least 104 bytes.
    static let version2Length = 72
    static let version3MinimumLength = 104
    /// qemu's limit on the L1 table (QCOW_MAX_L1_SIZE), which also caps our allocation.
    static let maximumL1Bytes = 32 << 20

    /// Incompatible feature bits (header offset 72): a reader must understand every bit set.
    struct IncompatibleFeatures: OptionSet, Sendable {
        let rawValue: UInt64
        static let dirty = IncompatibleFeatures(rawValue: 1 << 0)
        static let corrupt = IncompatibleFeatures(rawValue: 1 << 1)
        static let externalDataFile = IncompatibleFeatures(rawValue: 1 << 2)
        static let compressionType = IncompatibleFeatures(rawValue: 1 << 3)
        static let extendedL2 = IncompatibleFeatures(rawValue: 1 << 4)
        static let known: IncompatibleFeatures = [.dirty, .corrupt, .externalDataFile, .compressionType, .extendedL2]
    }

    enum CompressionType: UInt8, Sendable {
        case deflate = 0
        case zstd = 1
    }

    let version: UInt32
    let backingFileOffset: UInt64
    let backingFileSize: UInt32
    let clusterBits: UInt32
    /// Virtual disk size in bytes.
    let size: UInt64
    let cryptMethod: UInt32
    let l1Size: UInt32
    let l1TableOffset: UInt64
    let snapshotCount: UInt32
    let incompatible: IncompatibleFeatures
    let compatible: UInt64
    let autoclear: UInt64
    let refcountOrder: UInt32
    /// Bytes of the header proper; header extensions follow it.
    let headerLength: UInt32
    let compressionType: CompressionType

    var clusterSize: UInt64 { 1 << UInt64(clusterBits) }
    var extendedL2: Bool { incompatible.contains(.extendedL2) }
    /// Bytes of one L2 entry: 8, or 16 with extended L2 entries (entry + subcluster bitmap).
    var l2EntryBytes: UInt64 { extendedL2 ? 16 : 8 }
    var l2Entries: UInt64 { clusterSize / l2EntryBytes }

    /// Parses the header at the start of `r` (which must hold at least 104 bytes or the whole
    /// file) and checks it against `fileSize`. Unknown incompatible features are checked later,
    /// once the feature name table is known (`QCOW2Format.checkFeatures`).
    init(_ r: inout ByteReader, fileSize: UInt64) throws(ImageError) {
        try r.expect(Self.magic, "qcow2 header")  // 0x00 magic "QFI\xfb"
        version = try r.u32be()  // 0x04
        guard version == 2 || version == 3 else {
            throw ImageError("qcow2", .unsupported, "qcow2 version \(version)", at: r.base + 0x04)
        }
        backingFileOffset = try r.u64be()  // 0x08
        backingFileSize = try r.u32be()  // 0x10
        clusterBits = try r.u32be()  // 0x14
        guard (9...21).contains(clusterBits) else {
            throw ImageError("qcow2", .unsupported, "cluster_bits \(clusterBits) (9...21 allowed)", at: r.base + 0x14)
        }
        size = try r.u64be()  // 0x18
        cryptMethod = try r.u32be()  // 0x20
        l1Size = try r.u32be()  // 0x24
        l1TableOffset = try r.u64be()  // 0x28
        _ = try r.u64be()  // 0x30 refcount_table_offset (not needed to read)
        _ = try r.u32be()  // 0x38 refcount_table_clusters
        snapshotCount = try r.u32be()  // 0x3C
        _ = try r.u64be()  // 0x40 snapshots_offset
        if version == 2 {
            incompatible = []
            compatible = 0
            autoclear = 0
            refcountOrder = 4
            headerLength = UInt32(Self.version2Length)
            compressionType = .deflate
        } else {
            incompatible = IncompatibleFeatures(rawValue: try r.u64be())  // 0x48
            compatible = try r.u64be()  // 0x50
            autoclear = try r.u64be()  // 0x58
            refcountOrder = try r.u32be()  // 0x60
            headerLength = try r.u32be()  // 0x64
            guard headerLength >= Self.version3MinimumLength, UInt64(headerLength) <= 1 << UInt64(clusterBits) else {
                throw ImageError("qcow2", .corrupt, "header_length \(headerLength)", at: r.base + 0x64)
            }
            var type: UInt8 = 0
            if headerLength > 104 {
                type = try r.u8()  // 0x68 compression_type
            } else if incompatible.contains(.compressionType) {
                throw ImageError(
                    "qcow2", .corrupt, "compression type feature bit set but the header has no compression_type",
                    at: r.base + 0x64)
            }
            if !incompatible.contains(.compressionType) && type != 0 {
                throw ImageError(
                    "qcow2", .corrupt, "compression_type \(type) without the compression type feature bit",
                    at: r.base + 0x68)
            }
            guard let t = CompressionType(rawValue: type) else {
                throw ImageError("qcow2", .unsupported, "compression_type \(type)", at: r.base + 0x68)
            }
            compressionType = t
        }
        let at = r.base
        guard cryptMethod == 0 else {
            throw ImageError(
                "qcow2", .unsupported, "encrypted image (crypt_method \(cryptMethod)) cannot be read", at: at + 0x20)
        }
        if incompatible.contains(.extendedL2) && clusterBits < 14 {
            throw ImageError("qcow2", .corrupt, "extended L2 entries need clusters of 16 KiB or more", at: at + 0x48)
        }
        // The L1 table: aligned, within the file, large enough to map the whole virtual disk.
        let cluster = UInt64(1) << UInt64(clusterBits)
        let entryBytes: UInt64 = incompatible.contains(.extendedL2) ? 16 : 8
        let bytesPerL2 = (cluster / entryBytes) << UInt64(clusterBits)
        let needed = size / bytesPerL2 + (size % bytesPerL2 == 0 ? 0 : 1)
        guard UInt64(l1Size) * 8 <= UInt64(Self.maximumL1Bytes) else {
            throw ImageError("qcow2", .limitExceeded, "L1 table of \(l1Size) entries exceeds 32 MiB", at: at + 0x24)
        }
        guard UInt64(l1Size) >= needed else {
            throw ImageError(
                "qcow2", .corrupt, "L1 table of \(l1Size) entries cannot map a virtual size of \(size) bytes",
                at: at + 0x24)
        }
        guard l1TableOffset % cluster == 0 else {
            throw ImageError(
                "qcow2", .corrupt, "L1 table offset \(l1TableOffset) is not cluster aligned", at: at + 0x28)
        }
        let (l1End, overflow) = l1TableOffset.addingReportingOverflow(UInt64(l1Size) * 8)
        guard l1Size == 0 || (!overflow && l1End <= fileSize) else {
            throw ImageError(
                "qcow2", .corrupt,
                "L1 table at \(l1TableOffset) (\(l1Size) entries) lies past the end of the file (\(fileSize) bytes)",
                at: at + 0x28)
        }
        if backingFileOffset != 0 {
            guard backingFileSize > 0, backingFileSize <= 1023, backingFileOffset <= cluster,
                backingFileOffset + UInt64(backingFileSize) <= cluster,
                backingFileOffset >= UInt64(headerLength)
            else {
                throw ImageError(
                    "qcow2", .corrupt,
                    "backing file name at \(backingFileOffset) (\(backingFileSize) bytes) is outside the header cluster",
                    at: at + 0x08)
            }
        }
    }
}
