import BlockIO

// OVA, DMTF DSP0243 "Open Virtualization Format" 2.1, section 5.3 (OVF package as a tar):
//
//   +------------+---------+------------+------------+-----------+---------+
//   | ustar hdr  | x.ovf   | ustar hdr  | disk1.vmdk | ...       | 2 zero  |
//   | (pax/GNU   | (XML)   |            | (usually   |           | blocks  |
//   |  before)   |         |            |  streamOpt)|           |         |
//   +------------+---------+------------+------------+-----------+---------+
//   The .ovf comes first; References/File maps ids to member names; DiskSection/Disk names
//   its file by id. The disk is read in place as a slice of the tar, never extracted.

/// OVA packages (`ova`): the disk that `OpenContext.diskIndex` picks (0: the first
/// `DiskSection/Disk`), opened in place through the ordinary format table.
public enum OVAFormat: DiskFormat {
    static let layer = "ova"

    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool {
        var at = 0
        // The .ovf is the first member; skip at most a few pax or long-name headers before it.
        for _ in 0..<4 {
            guard at + 512 <= head.count, TarMember.looksLikeHeader(head[at..<at + 512]) else { return false }
            let type = head[at + 156]
            let name = TarMember.string(head[at..<at + 100]).lowercased()
            if name.hasSuffix(".ovf") { return true }
            guard type == UInt8(ascii: "x") || type == UInt8(ascii: "L") || type == UInt8(ascii: "g"),
                let n = TarMember.parseNumber(head[(at + 124)..<(at + 136)]), n < 1 << 16
            else { return false }
            at += 512 + (Int(n) + 511) / 512 * 512
        }
        return false
    }

    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        let members = try TarMember.list(file, layer: layer)
        guard let ovf = members.first(where: { $0.isRegular && $0.name.lowercased().hasSuffix(".ovf") }) else {
            throw ImageError(layer, .corrupt, "OVA without an .ovf descriptor", at: 0)
        }
        let ovfBytes = try file.read(
            at: ovf.dataOffset,
            count: try Checked.int(
                ovf.size, limit: OVFEnvelope.maximumSize, "OVF descriptor size", layer, at: ovf.headerOffset),
            layer: layer)
        let envelope = try OVFEnvelope(ovfBytes, layer: layer, base: ovf.dataOffset)
        guard !envelope.disks.isEmpty else {
            throw ImageError(layer, .corrupt, "\(ovf.name) lists no disk in its DiskSection", at: ovf.dataOffset)
        }
        guard context.diskIndex >= 0, context.diskIndex < envelope.disks.count else {
            throw ImageError(
                layer, .notFound,
                "disk \(context.diskIndex + 1) requested, but \(ovf.name) lists \(envelope.disks.count)")
        }
        let disk = envelope.disks[context.diskIndex]
        guard let href = envelope.files[disk.fileRef] else {
            throw ImageError(
                layer, .corrupt, "disk \(disk.diskID) names file id '\(disk.fileRef)' missing from References",
                at: ovf.dataOffset)
        }
        // A disk outside the package (a URL or a host path) is never followed.
        guard !href.contains("://"), !href.hasPrefix("/"), !href.split(separator: "/").contains("..") else {
            throw ExternalFileRefusal.error(
                "disk file '\(href)' is outside the OVA", layer: layer, at: ovf.dataOffset, flagLiftsIt: false)
        }
        func bare(_ s: String) -> String { s.hasPrefix("./") ? String(s.dropFirst(2)) : s }
        guard let member = members.last(where: { $0.isRegular && bare($0.name) == bare(href) }) else {
            throw ImageError(
                layer, .notFound, "disk file '\(href)' named by \(ovf.name) is not in the OVA", at: ovf.dataOffset)
        }
        let slice = try SliceDevice(file, start: member.dataOffset, size: member.size, layer: layer)
        var inner = OpenedDisk(device: slice, format: "raw", files: [path])
        if let format = try DiskImage.sniff(slice) {
            if format == VMDKFormat.self, try slice.read(at: 0, count: 4, layer: layer) != VMDKSparseHeader.magic {
                throw ExternalFileRefusal.error(
                    "descriptor-file VMDK \(href) inside an OVA (its extents would be host files)", layer: layer,
                    at: member.dataOffset, flagLiftsIt: false)
            }
            guard format != OVAFormat.self else {
                throw ImageError(layer, .unsupported, "an OVA inside an OVA (\(href))", at: member.dataOffset)
            }
            inner = try format.open(slice, path: path, context: context)
        }
        let notes =
            inner.notes + [
                "OVA disk \(context.diskIndex + 1) of \(envelope.disks.count): \(href) (\(inner.format)) at byte \(member.dataOffset)"
            ]
        return OpenedDisk(device: inner.device, format: "ova", files: [path], notes: notes)
    }
}
