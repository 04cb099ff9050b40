import BlockIO

// LVM2 on-disk layout (LVM2 lib/format_text/layout.h, lib/label/label.h), per physical volume:
//
//   PV start
//   ├─ sector 0–3   label "LABELONE" + pv_header: PV UUID, size, data area list, metadata area list
//   ├─ 4 KiB        metadata area: mda_header (" LVM2 x[5A%r0N*>", raw_locn of the committed text)
//   │               + circular buffer of VG metadata text (newest seqno wins across all PVs)
//   └─ pe_start     extents 0 … pe_count−1 of extent_size sectors, as the text's segments map them:
//                   linear  = one stripe:  LV extent e ↦ pe_start + (pe + e) × extent_size
//                   striped = n stripes:   chunks of stripe_size dealt round-robin over the PVs
//
// Files: LVM2Label (label + PV header), LVM2MetadataArea (mda header, wrapped text, CRCs),
// LVM2ConfigParser/LVM2ConfigValue (the text grammar), LVM2Metadata (VG model), LVM2StripedDevice,
// and this assembler.

/// Assembles LVM2 volume groups from the PVs found on the scanned volumes: picks the newest
/// metadata (highest seqno) of each VG, maps every visible LV's `striped`/linear segments onto
/// its PVs, and refuses thin, RAID, mirror and other device-mapper targets with a note naming the LV.
enum LVM2VolumeGroup {
    /// A PV label found on a scanned volume.
    struct FoundPV {
        let label: LVM2Label
        let device: any BlockDevice
        let volumeName: String
        let disk: Int
    }

    struct Result {
        var groups: [VolumeGroup] = []
        var volumes: [Volume] = []
        var notes: [String] = []
    }

    /// Reads every metadata area of `pvs` and builds the VGs. Throws `ImageError` (layer `lvm2`)
    /// for unreadable metadata or a segment that lies past its PV.
    static func assemble(_ pvs: [FoundPV]) throws -> Result {
        var newest: [String: LVM2Metadata] = [:]
        for pv in pvs {
            for area in pv.label.metadataAreas {
                let md: LVM2Metadata
                do {
                    let mda = try LVM2MetadataArea(device: pv.device, area: area)
                    guard let text = mda.text else { continue }
                    md = try LVM2Metadata(text: text, textOffset: mda.textOffset)
                } catch var e as ImageError {
                    // Offsets are relative to the PV: name it so the offset means something.
                    e.detail = "PV on \(pv.volumeName): " + e.detail
                    throw e
                }
                if let have = newest[md.uuid], have.seqno >= md.seqno { continue }
                newest[md.uuid] = md
            }
        }
        var byUUID: [String: FoundPV] = [:]
        for pv in pvs where byUUID[pv.label.uuid] == nil { byUUID[pv.label.uuid] = pv }

        var result = Result()
        for md in newest.values.sorted(by: { $0.name < $1.name }) {
            try add(md, byUUID, into: &result)
        }
        for pv in pvs
        where !newest.values.contains(where: { md in
            md.physicalVolumes.contains { $0.uuid.filter { $0 != "-" } == pv.label.uuid }
        }) {
            result.notes.append(
                "\(pv.volumeName): LVM2 PV \(lvmUUIDText(pv.label.uuid)) belongs to no volume group found")
        }
        return result
    }

    /// `/dev/mapper/<vg>-<lv>` with every `-` inside a name doubled (device-mapper's escaping), and `/dev/<vg>/<lv>`.
    static func devicePaths(vg: String, lv: String) -> [String] {
        func escape(_ s: String) -> String {
            s.split(separator: "-", omittingEmptySubsequences: false).joined(separator: "--")
        }
        return ["/dev/mapper/\(escape(vg))-\(escape(lv))", "/dev/\(vg)/\(lv)"]
    }

    private static func add(_ md: LVM2Metadata, _ byUUID: [String: FoundPV], into result: inout Result) throws {
        let extentBytes = md.extentSize * 512
        var pvByKey: [String: (LVM2Metadata.PhysicalVolume, FoundPV?)] = [:]
        var pvInfos: [PhysicalVolume] = []
        for p in md.physicalVolumes {
            let found = byUUID[p.uuid.filter { $0 != "-" }]
            pvByKey[p.key] = (p, found)
            pvInfos.append(
                PhysicalVolume(
                    key: p.key, uuid: p.uuid, volume: found?.volumeName, peStart: p.peStart * 512,
                    extentCount: p.peCount))
        }
        var lvInfos: [LogicalVolume] = []
        for lv in md.logicalVolumes {
            let label = "lv \(md.name)/\(lv.name)"
            var info = LogicalVolume(
                name: lv.name, uuid: lv.uuid,
                size: try Checked.mul(lv.extentCount, extentBytes, "lvm2", at: md.textOffset),
                isVisible: lv.isVisible,
                segments: lv.segments.map {
                    LogicalVolumeSegment(
                        type: $0.type, startExtent: $0.startExtent, extentCount: $0.extentCount,
                        stripeSize: $0.stripeSize * 512, stripes: $0.stripes.map { "\($0.pv):\($0.startExtent)" })
                }, unreadableReason: nil)
            if let reason = refusal(lv) {
                info.unreadableReason = reason
                if lv.isVisible { result.notes.append("\(label): \(reason)") }
            } else if let missing = lv.segments.flatMap(\.stripes).first(where: { pvByKey[$0.pv]?.1 == nil }) {
                let uuid = pvByKey[missing.pv].map { $0.0.uuid } ?? "not in the metadata"
                let reason = "cannot be read: PV \(missing.pv) (\(uuid)) was not found on the disks given"
                info.unreadableReason = reason
                if lv.isVisible { result.notes.append("\(label): \(reason)") }
            } else if lv.isVisible {
                var parts: [any BlockDevice] = []
                for (i, seg) in lv.segments.enumerated() {
                    parts.append(
                        try device(seg, number: i + 1, lv: label, md: md, extentBytes: extentBytes, pvs: pvByKey))
                }
                let dev: any BlockDevice = parts.count == 1 ? parts[0] : try ConcatDevice(parts, layer: "lvm2")
                let firstPV = lv.segments.first?.stripes.first.flatMap { pvByKey[$0.pv]?.1 }
                result.volumes.append(
                    Volume(
                        name: label, origin: .logicalVolume(volumeGroup: md.name, name: lv.name), device: dev,
                        devicePaths: devicePaths(vg: md.name, lv: lv.name), disk: firstPV?.disk ?? 0))
            }
            lvInfos.append(info)
        }
        result.groups.append(
            VolumeGroup(
                name: md.name, uuid: md.uuid, seqno: md.seqno, extentSize: extentBytes,
                physicalVolumes: pvInfos, logicalVolumes: lvInfos))
    }

    /// Why an LV's segments cannot be mapped onto PVs, nil when every segment is striped (or linear) or zero.
    private static func refusal(_ lv: LVM2Metadata.LogicalVolume) -> String? {
        guard let seg = lv.segments.first(where: { $0.type != "striped" && $0.type != "zero" }) else {
            return lv.segments.isEmpty ? "has no segments" : nil
        }
        let what: String
        switch seg.type {
        case "thin-pool": what = "thin pools"
        case "thin": what = "thin volumes"
        case "mirror": what = "mirror volumes"
        case "cache", "cache-pool", "writecache": what = "cached volumes"
        case "vdo", "vdo-pool": what = "VDO volumes"
        case "snapshot": what = "snapshots"
        case let t where t.hasPrefix("raid"): what = "RAID volumes"
        default: what = "volumes of this kind"
        }
        return "\(what) cannot be read (segment type \(seg.type))"
    }

    /// The device of one striped/linear (or zero) segment, checked against its PVs' extents and sizes.
    private static func device(
        _ seg: LVM2Metadata.Segment, number: Int, lv: String, md: LVM2Metadata, extentBytes: UInt64,
        pvs: [String: (LVM2Metadata.PhysicalVolume, FoundPV?)]
    ) throws -> any BlockDevice {
        let bytes = try Checked.mul(seg.extentCount, extentBytes, "lvm2", at: md.textOffset)
        if seg.type == "zero" { return ZeroDevice(size: bytes) }
        let n = UInt64(seg.stripes.count)
        let areaExtents = seg.extentCount / n
        var areas: [any BlockDevice] = []
        for stripe in seg.stripes {
            guard let (meta, found) = pvs[stripe.pv], let found else {
                throw ImageError(
                    "lvm2", .corrupt, "metadata text line \(seg.line): \(lv) uses unknown PV \(stripe.pv)",
                    at: md.textOffset)
            }
            let end = try Checked.add(stripe.startExtent, areaExtents, "lvm2", at: md.textOffset)
            guard end <= meta.peCount else {
                throw ImageError(
                    "lvm2", .corrupt,
                    "metadata text line \(seg.line): \(lv) segment \(number) ends at extent \(end), past the \(meta.peCount) extents of \(stripe.pv)",
                    at: md.textOffset)
            }
            let start = try Checked.add(
                try Checked.mul(meta.peStart, 512, "lvm2"),
                try Checked.mul(stripe.startExtent, extentBytes, "lvm2"), "lvm2", at: md.textOffset)
            let length = try Checked.mul(areaExtents, extentBytes, "lvm2", at: md.textOffset)
            let (stop, overflow) = start.addingReportingOverflow(length)
            guard !overflow, stop <= found.device.size else {
                throw ImageError(
                    "lvm2", .corrupt,
                    "metadata text line \(seg.line): \(lv) segment \(number) ends at byte \(stop) of \(stripe.pv), past its end (\(found.device.size) bytes)",
                    at: md.textOffset)
            }
            areas.append(try SliceDevice(found.device, start: start, size: length, layer: "lvm2"))
        }
        if areas.count == 1 { return areas[0] }
        return try LVM2StripedDevice(stripes: areas, stripeBytes: seg.stripeSize * 512)
    }
}
