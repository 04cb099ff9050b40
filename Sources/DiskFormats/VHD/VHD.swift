import BlockIO

// VHD (Microsoft "Virtual Hard Disk Image Format Specification", version 1.0), big-endian.
//
//  fixed:         ┌──────────────────────────────┬────────────┐
//                 │ disk data (current size)     │ footer 512 │  "conectix", checksum, type 2
//                 └──────────────────────────────┴────────────┘
//  dynamic and    ┌────────────┬───────────────────┬─────┬─────────────────────────┬────────────┐
//  differencing:  │ footer copy│ dynamic header    │ BAT │ blocks: sector bitmap + │ footer 512 │
//                 │ 512        │ 1024 "cxsparse"   │ u32 │ data (block size)       │ type 3 / 4 │
//                 └────────────┴───────────────────┴─────┴─────────────────────────┴────────────┘
//  The footer's data offset points at the dynamic header; the header at the BAT (one u32 sector
//  number a block, 0xFFFFFFFF = not allocated) and, for differencing disks, at the parent: its
//  unique id and up to eight parent locators (W2ru relative / W2ku absolute UTF-16LE paths).
//  A bitmap bit (MSB first) set means the sector is in this file; clear means zeros (dynamic)
//  or the parent's sector (differencing).

/// The VHD container (format names `vhd-fixed`, `vhd-dynamic`, `vhd-differencing`), recognised
/// by the footer cookie at the end of the file or its copy at offset 0.
public enum VHDFormat: DiskFormat {
    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool {
        if head.starts(with: VHDFooter.cookie) { return true }
        guard tail.count >= VHDFooter.length else { return false }
        return tail[(tail.count - VHDFooter.length)...].starts(with: VHDFooter.cookie)
    }

    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        try openVHD(file, path: path, context: context).disk
    }

    static func formatName(_ type: VHDFooter.DiskType) -> String {
        switch type {
        case .fixed: return "vhd-fixed"
        case .dynamic: return "vhd-dynamic"
        case .differencing: return "vhd-differencing"
        }
    }

    /// Opens a VHD and returns it with its footer (a child checks its parent's unique id).
    static func openVHD(
        _ file: any BlockDevice, path: String, context: OpenContext
    ) throws -> (disk: OpenedDisk, footer: VHDFooter) {
        var notes: [String] = []
        let (footer, footerOffset) = try readFooter(file, notes: &notes)
        let facts = VHDFooterFacts(
            diskType: footer.diskType.facts, creatorApplication: footer.creatorApplication,
            originalSize: footer.originalSize, currentSize: footer.currentSize, geometry: footer.geometry,
            footerOffset: footerOffset, usedCopyAtStart: footerOffset != file.size - UInt64(VHDFooter.length))
        if footer.savedState { notes.append("vhd: the disk holds a saved state (a suspended VM)") }
        let name = formatName(footer.diskType)
        if footer.diskType == .fixed {
            guard file.size >= UInt64(VHDFooter.length), footer.currentSize <= file.size - UInt64(VHDFooter.length)
            else {
                throw ImageError(
                    "vhd", .truncated,
                    "fixed disk of \(footer.currentSize) bytes does not fit in a file of \(file.size) bytes",
                    at: file.size - UInt64(min(file.size, UInt64(VHDFooter.length))) + 0x30)
            }
            let data = try SliceDevice(file, start: 0, size: footer.currentSize, layer: "vhd")
            var disk = OpenedDisk(device: data, format: name, files: [path], notes: notes)
            disk.vhdFooter = facts
            return (disk, footer)
        }

        guard footer.dataOffset < file.size, UInt64(VHDDynamicHeader.length) <= file.size - footer.dataOffset else {
            throw ImageError(
                "vhd", .corrupt,
                "dynamic header at \(footer.dataOffset) lies past the end of the file (\(file.size) bytes)",
                at: file.size - UInt64(VHDFooter.length) + 0x10)
        }
        var r = try file.reader(at: footer.dataOffset, count: VHDDynamicHeader.length, layer: "vhd")
        let header = try VHDDynamicHeader(&r, virtualSize: footer.currentSize, fileSize: file.size)
        var files = [path]
        var parent: (any BlockDevice)?
        if footer.diskType == .differencing {
            let opened = try openParent(
                header, file: file, headerOffset: footer.dataOffset, path: path, context: context)
            parent = opened.device
            files += opened.files
            notes += opened.notes.map { "parent: \($0)" }
        }
        let device = VHDDevice(file: file, size: footer.currentSize, header: header, parent: parent)
        var disk = OpenedDisk(device: device, format: name, files: files, notes: notes)
        disk.vhdFooter = facts
        return (disk, footer)
    }

    /// The footer at the end of the file; when it is damaged, the copy at offset 0 that dynamic
    /// and differencing disks keep (with a note). Otherwise the error about the footer at the end.
    /// Returns the footer and the byte offset it was read at.
    static func readFooter(_ file: any BlockDevice, notes: inout [String]) throws -> (VHDFooter, UInt64) {
        let length = UInt64(VHDFooter.length)
        guard file.size >= length else {
            throw ImageError("vhd", .truncated, "file of \(file.size) bytes is shorter than a VHD footer", at: 0)
        }
        do {
            var r = try file.reader(at: file.size - length, count: VHDFooter.length, layer: "vhd")
            return (try VHDFooter(&r), file.size - length)
        } catch let endError as ImageError {
            guard file.size >= 2 * length else { throw endError }
            var head = try file.reader(at: 0, count: VHDFooter.length, layer: "vhd")
            guard head.bytes.starts(with: VHDFooter.cookie) else { throw endError }
            let copy: VHDFooter
            do {
                copy = try VHDFooter(&head)
            } catch {
                throw endError
            }
            guard copy.diskType != .fixed else { throw endError }
            notes.append("vhd: the footer at the end is damaged (\(endError)); using its copy at offset 0")
            return (copy, 0)
        }
    }
}
