import BlockIO

/// Opens a disk image file of any supported format by sniffing its content.
public enum DiskImage {
    /// Ordered: the first format whose `matches` is true opens the file; raw is the fallback.
    /// Formats recognised by a magic at offset 0 come before those recognised by their tail.
    static let formats: [any DiskFormat.Type] = [
        QCOW2Format.self,
        VHDXFormat.self, VMDKFormat.self, OVAFormat.self,
        VHDFormat.self,
    ]

    /// The head holds every magic and an OVA's first tar headers (pax headers before the .ovf).
    static let sniffWindow = 64 << 10
    /// The tail holds the VHD footer (its last 512 bytes); a tarball is sniffed twice (archive,
    /// then disk source), so the tail is kept short.
    static let sniffTailWindow = 4 << 10

    /// The name of the format that would open this file, or "raw".
    public static func sniff(_ file: any BlockDevice) throws -> (any DiskFormat.Type)? {
        let headCount = Int(min(UInt64(sniffWindow), file.size))
        let head = try file.read(at: 0, count: headCount, layer: "sniff")
        let tailCount = Int(min(UInt64(sniffTailWindow), file.size))
        let tail = try file.read(at: file.size - UInt64(tailCount), count: tailCount, layer: "sniff")
        return formats.first { $0.matches(head: head, tail: tail, size: file.size) }
    }

    /// Opens `path` read-only (through `context.store`, counted) and decodes it; unknown content
    /// is a raw disk.
    public static func open(path: String, context: OpenContext) throws -> OpenedDisk {
        let path = path.hasPrefix("/") ? path : OpenContext.absolute(path)
        let file = CountingDevice(try context.store.open(path), counter: context.counter)
        return try open(file, path: path, context: context)
    }

    /// Decodes an already opened file by sniffing its content; unknown content is a raw disk,
    /// except a format we recognise but do not read (VDI, QED, …), which is refused by name.
    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        try open(file, sniffed: try sniff(file), path: path, context: context)
    }

    /// `open(_:path:context:)` for a file already sniffed: `format` is what `sniff(file)` said.
    public static func open(
        _ file: any BlockDevice, sniffed format: (any DiskFormat.Type)?, path: String, context: OpenContext
    ) throws -> OpenedDisk {
        var disk = OpenedDisk(device: file, format: "raw", files: [path])
        if let format {
            disk = try refusingOversize(try format.open(file, path: path, context: context))
        } else {
            try UnsupportedFormat.refuse(file)
        }
        disk.fileSize = file.size
        return disk
    }

    /// The one place a decoded virtual size becomes a device: a disk larger than `Int64.max` bytes
    /// cannot be addressed with `off_t` (libblkid, `pread`), and no real disk comes near it, so it is
    /// refused here rather than checked at every use.
    static func refusingOversize(_ disk: OpenedDisk) throws(ImageError) -> OpenedDisk {
        guard disk.device.size <= UInt64(Int64.max) else {
            // The layer is the format without its variant ("vmdk" for "vmdk-monolithicFlat").
            throw ImageError(
                String(disk.format.prefix { $0 != "-" }), .limitExceeded,
                "virtual disk size \(disk.device.size) bytes exceeds the largest addressable size \(Int64.max)")
        }
        return disk
    }

    /// Opens a file that an image names (a qcow2 backing file, a VHD or VHDX parent) one level
    /// deeper in the chain.
    ///
    /// The name goes through `OpenContext.resolveReferencedFile` (the external-file policy); a file
    /// already in the chain above `path` is a `.loop`, and so is a chain deeper than
    /// `OpenContext.maximumChainDepth`. The file is opened read-only and counted, then handed to
    /// `decode` with the context for its own references.
    ///
    /// - Parameters: `name` as stored in the image; `path` the image that names it; `layer` and
    ///   `offset` where the name was read, for errors.
    public static func openReferenced<T>(
        _ name: String, from path: String, layer: String, at offset: UInt64?, context: OpenContext,
        decode: (_ path: String, _ file: any BlockDevice, _ context: OpenContext) throws -> T
    ) throws -> T {
        let resolved = try context.resolveReferencedFile(name, layer: layer, at: offset)
        let here = OpenContext.realPath(path) ?? path
        let target = OpenContext.realPath(resolved) ?? resolved
        let chain = context.chain + [here]
        if chain.contains(target) {
            throw ImageError(layer, .loop, "chain of backing or parent files loops back to '\(name)'", at: offset)
        }
        guard context.depth + 1 < OpenContext.maximumChainDepth else {
            throw ImageError(
                layer, .loop, "chain of backing or parent files deeper than \(OpenContext.maximumChainDepth)",
                at: offset)
        }
        var child = try context.child(directoryOf: resolved, layer: layer)
        child.chain = chain
        let file = CountingDevice(try context.store.open(resolved), counter: context.counter)
        return try decode(resolved, file, child)
    }
}
