import BlockIO

// VHDX, Microsoft "[MS-VHDX]: Virtual Hard Disk v2 (VHDX) File Format" v20240423.
//
//   0        64 KiB    128 KiB   192 KiB    256 KiB    1 MiB ...
//   +--------+---------+---------+----------+----------+------------------------------------+
//   | file   | header  | header  | region   | region   | log, BAT, metadata region, payload  |
//   | type   | 1       | 2       | table 1  | table 2  | and sector bitmap blocks, anywhere  |
//   | "vhdx  | "head"  | "head"  | "regi"   | "regi"   | at 1 MiB multiples                  |
//   |  file" | CRC-32C | CRC-32C | CRC-32C  | CRC-32C  |                                    |
//   +--------+---------+---------+----------+----------+------------------------------------+
//
//   BAT (little-endian u64 entries, state in bits 0-2, file offset in MiB in bits 20-63):
//   [payload 0] ... [payload chunkRatio-1] [sector bitmap 0] [payload chunkRatio] ... [bitmap 1] ...
//   chunkRatio = 2^23 * logical sector size / block size.

/// VHDX images (`vhdx`, `vhdx-differencing`).
public enum VHDXFormat: DiskFormat {
    static let layer = "vhdx"
    /// Parent chains: a child names its parent in the parent locator; depth bounded by `OpenContext`.
    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool {
        head.count >= 8 && Array(head[0..<8]) == Array("vhdxfile".utf8)
    }

    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        let (device, _, files, notes) = try openVHDX(file, path: path, context: context)
        return OpenedDisk(
            device: device, format: device.isDifferencing ? "vhdx-differencing" : "vhdx", files: files, notes: notes)
    }

    /// Opens a VHDX and, recursively, its parents; returns the device, the current header (its
    /// DataWriteGuid is what a child's `parent_linkage` names), files opened and notes.
    static func openVHDX(_ file: any BlockDevice, path: String, context: OpenContext) throws
        -> (VHDXDevice, VHDXHeader, [String], [String])
    {
        var id = try file.reader(at: 0, count: 8, layer: layer)
        try id.expect(Array("vhdxfile".utf8), "VHDX file type identifier")  // 0x00 Signature
        let header = try currentHeader(file)
        var notes: [String] = []
        if !header.logGUID.isZero {
            notes.append(
                "\(path): VHDX log is not empty (LogGuid \(header.logGUID), \(header.logLength) bytes at \(header.logOffset)); "
                    + "it was not replayed, so recent writes may be missing")
        }
        let regions = try regionTable(file)
        let metadata = try VHDXMetadata(file, region: regions.metadata)
        var files = [path]
        var parent: (any BlockDevice)?
        if metadata.hasParent {
            let p = try openParent(metadata.parentLocator, childPath: path, context: context)
            parent = p.device
            files += p.files
            notes += p.notes
        }
        let device = try VHDXDevice(file: file, metadata: metadata, bat: regions.bat, parent: parent)
        return (device, header, files, notes)
    }

    /// MS-VHDX 2.2.2: of the two headers, the valid one with the greater sequence number.
    static func currentHeader(_ file: any BlockDevice) throws -> VHDXHeader {
        var valid: [VHDXHeader] = []
        var firstError: ImageError?
        for at in [UInt64(64 << 10), UInt64(128 << 10)] {
            do {
                var r = try file.reader(at: at, count: VHDXHeader.size, layer: layer)
                valid.append(try VHDXHeader(&r))
            } catch let e as ImageError {
                firstError = firstError ?? e
            }
        }
        guard let best = valid.max(by: { $0.sequenceNumber < $1.sequenceNumber }) else {
            throw ImageError(
                layer, firstError?.kind ?? .corrupt,
                "no valid VHDX header (both copies bad; first: \(firstError?.detail ?? "?"))",
                at: firstError?.offset ?? (64 << 10))
        }
        return best
    }

    /// MS-VHDX 2.2.3: region table 1, or its copy when table 1 is damaged.
    static func regionTable(_ file: any BlockDevice) throws -> VHDXRegionTable {
        var firstError: ImageError?
        for at in [UInt64(192 << 10), UInt64(256 << 10)] {
            do {
                var r = try file.reader(at: at, count: VHDXRegionTable.size, layer: layer)
                return try VHDXRegionTable(&r, fileSize: file.size)
            } catch let e as ImageError {
                // Only a damaged table falls back; a valid table naming something we refuse does not.
                if e.kind == .unsupported { throw e }
                firstError = firstError ?? e
            }
        }
        throw firstError ?? ImageError(layer, .corrupt, "no valid region table", at: 192 << 10)
    }
}
