import BlockIO

// qcow2, versions 2 and 3 (QEMU's "qcow2 format" specification, docs/interop/qcow2.txt).
//
//   offset 0  ┌──────────────────────────────┐
//             │ header (72 bytes v2, ≥104 v3) │ magic "QFI\xfb", version, cluster_bits, size,
//             │ header extensions            │ L1 offset/size, features, compression_type
//             │ backing file name            │ (all inside the first cluster)
//             ├──────────────────────────────┤
//             │ L1 table  (u64 per entry) ───┼──► L2 table (one cluster; 8-byte entries, or
//             │                              │    16 bytes with extended L2: entry + bitmap of
//             │                              │    32 subclusters allocated / zero)
//             │ L2 tables                    │      entry: host cluster offset | zero flag
//             │ data clusters                │             | compressed flag + descriptor
//             │ compressed clusters (packed) │    (byte offset + count of 512-byte sectors)
//             │ refcount table and blocks    │   (not needed to read)
//             └──────────────────────────────┘
//
// A virtual offset maps as: cluster = offset >> cluster_bits; L1 index = cluster / L2 entries;
// L2 index = cluster % L2 entries. Unallocated clusters read from the backing file (any format
// DiskImage opens, or raw), or as zeros without one.

/// The qcow2 container (format name `qcow2`), recognised by its magic at offset 0.
public enum QCOW2Format: DiskFormat {
    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool {
        head.starts(with: QCOW2Header.magic)
    }

    /// Opens a qcow2 image and its backing chain (each backing file through
    /// `DiskImage.openReferenced`: the external-file policy, loop and depth bounds).
    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        let metadata = try QCOW2Metadata(file)
        var files = [path]
        var notes = metadata.notes
        var backing: (any BlockDevice)?
        if let name = metadata.backingFileName {
            // QEMU's `json:{…}` names carry a driver and its options (a host path, an NBD or HTTP
            // server), not a file name: never looked for as a file beside the image.
            if name.hasPrefix("json:") {
                throw ExternalFileRefusal.error(
                    "backing file '\(name.prefix(200))' is a QEMU json: specification, not a file name",
                    layer: "qcow2", at: metadata.header.backingFileOffset, flagLiftsIt: false)
            }
            let format = metadata.extensions.backingFormat
            let opened = try DiskImage.openReferenced(
                name, from: path, layer: "qcow2", at: metadata.header.backingFileOffset, context: context
            ) { backingPath, backingFile, backingContext in
                switch format {
                case "raw":
                    // Never sniff a file declared raw: its content is guest data.
                    return OpenedDisk(device: backingFile, format: "raw", files: [backingPath])
                case "qcow2":
                    let head = try backingFile.read(at: 0, count: Int(min(backingFile.size, 4)), layer: "qcow2")
                    guard matches(head: head, tail: [], size: backingFile.size) else {
                        throw ImageError("qcow2", .badMagic, "backing file '\(name)' is not a qcow2 image", at: 0)
                    }
                    return try open(backingFile, path: backingPath, context: backingContext)
                default:
                    return try DiskImage.open(backingFile, path: backingPath, context: backingContext)
                }
            }
            files += opened.files
            notes += opened.notes.map { "backing file \(name): \($0)" }
            backing = opened.device
        }
        let device = try QCOW2Device(metadata: metadata, file: file, backing: backing)
        return OpenedDisk(device: device, format: "qcow2", files: files, notes: notes)
    }
}
