import BlockIO

// VMDK, VMware "Virtual Disk Format 1.1" (vmdk_specs.pdf) and "Virtual Disk Format 5.0".
//
// Hosted sparse extent (monolithicSparse, twoGbMaxExtentSparse pieces, streamOptimized):
//   sector 0             descriptorOffset     rgdOffset / gdOffset          overHead
//   +-------------------+--------------------+------------------------------+-----------------+
//   | header "KDMV"     | embedded text      | grain directory → grain      | grains (64 KiB, |
//   | capacity, grain,  | descriptor         | tables (u32 sector offsets   |  deflate with a |
//   | GD/RGD offsets    | (optional)         | of grains, 512 per table)    |  marker when    |
//   +-------------------+--------------------+------------------------------+  compressed)    |
//   streamOptimized with gdOffset = GD_AT_END: the real header is the footer at end - 1024.
//
// Descriptor file (text): createType="twoGbMaxExtentSparse", then extents in order:
//   RW 4194304 SPARSE "disk-s001.vmdk"      RW 98304 FLAT "disk-flat.vmdk" 0      RW 2048 ZERO

/// VMDK images: `vmdk-<createType>` (monolithicSparse, streamOptimized, twoGbMaxExtentSparse,
/// twoGbMaxExtentFlat, monolithicFlat, vmfs…). Extent and parent files are opened through
/// `OpenContext.resolveReferencedFile`, so a descriptor naming a host file outside the image's
/// folder is refused unless allowed.
public enum VMDKFormat: DiskFormat {
    static let layer = "vmdk"

    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool {
        if head.count >= 4, Array(head[0..<4]) == VMDKSparseHeader.magic { return true }
        return size <= UInt64(VMDKDescriptor.maximumSize) && looksLikeDescriptor(head)
    }

    /// A text descriptor starts with its comment line, or names `createType` near the top.
    static func looksLikeDescriptor(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head.prefix(1024), as: UTF8.self)
        if VMDKDescriptor.trim(text).hasPrefix("# Disk DescriptorFile") { return true }
        return text.contains("createType=") && text.contains("version=") && !head.prefix(1024).contains(0)
    }

    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        let head = try file.read(at: 0, count: Int(min(4, file.size)), layer: layer)
        if head == VMDKSparseHeader.magic {
            return try openSparse(file, path: path, context: context)
        }
        let count = try Checked.int(file.size, limit: VMDKDescriptor.maximumSize, "descriptor size", layer, at: 0)
        let descriptor = try VMDKDescriptor(try file.read(at: 0, count: count, layer: layer), layer: layer, base: 0)
        return try openDescriptor(descriptor, path: path, context: context)
    }

    /// The header, replaced by the footer when the grain directory is at the end (stream-optimized).
    static func sparseHeader(_ file: any BlockDevice) throws -> VMDKSparseHeader {
        var r = try file.reader(at: 0, count: VMDKSparseHeader.size, layer: layer)
        let header = try VMDKSparseHeader(&r)
        guard header.gdSector == VMDKSparseHeader.gdAtEnd else { return header }
        guard file.size >= 1536 else {
            throw ImageError(layer, .truncated, "stream-optimized file too short for its footer", at: 0)
        }
        // Footer layout: footer marker (512), footer header (512), end-of-stream marker (512).
        var f = try file.reader(at: file.size - 1024, count: VMDKSparseHeader.size, layer: layer)
        let footer = try VMDKSparseHeader(&f)
        guard footer.gdSector != VMDKSparseHeader.gdAtEnd else {
            throw ImageError(
                layer, .corrupt, "footer's grain directory offset is GD_AT_END too", at: file.size - 1024 + 0x38)
        }
        return footer
    }

    static func openSparse(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        let header = try sparseHeader(file)
        var descriptor: VMDKDescriptor?
        if header.descriptorSector != 0, header.descriptorSectors != 0 {
            descriptor = try embeddedDescriptor(file, header)
        }
        let size = try Checked.mul(header.capacity, 512, layer, at: 0x0C)
        var files = [path]
        var notes: [String] = []
        var parent: (any BlockDevice)?
        if let descriptor, descriptor.hasParent {
            let p = try openParent(descriptor, path: path, context: context)
            parent = p.device
            files += p.files
            notes += p.notes
        }
        if header.uncleanShutdown { notes.append("\(path): VMDK was not closed cleanly (uncleanShutdown set)") }
        let device = try VMDKSparseExtent(file: file, header: header, size: size, parent: parent)
        let type =
            descriptor?.createType
            ?? (header.flags.contains(.compressedGrains) ? "streamOptimized" : "monolithicSparse")
        return OpenedDisk(device: device, format: "vmdk-\(type)", files: files, notes: notes)
    }

    static func embeddedDescriptor(_ file: any BlockDevice, _ header: VMDKSparseHeader) throws -> VMDKDescriptor {
        let bytes = try Checked.mul(header.descriptorSectors, 512, layer, at: 0x24)
        let count = try Checked.int(
            bytes, limit: VMDKDescriptor.maximumSize, "embedded descriptor size", layer, at: 0x24)
        let at = try Checked.mul(header.descriptorSector, 512, layer, at: 0x1C)
        return try VMDKDescriptor(try file.read(at: at, count: count, layer: layer), layer: layer, base: at)
    }
}
