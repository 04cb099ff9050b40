import BlockIO

/// Finds every volume of one or more disks: partitions (MBR, GPT) and LVM2 logical volumes, or
/// the whole disk when it has no partition table; then names each volume's content with libblkid.
///
/// Order of decisions, per disk (each recorded in the scan): a GPT when sector 0 is a protective
/// MBR (type 0xEE) or holds no MBR while "EFI PART" is at LBA 1; else an MBR; else the whole
/// disk is one volume. Every partition and whole disk is then checked for an LVM2 PV label; PVs
/// of all disks are assembled into VGs, whose readable LVs become volumes too.
///
/// libblkid is the costly part of a scan: it reads about 1 MiB of each volume in place, and each
/// volume behind a decoded format is copied into a 2 MiB memfd for it. So a caller with readers of
/// its own passes `recognised`: a volume it claims, and a PV whose label we read, are named
/// without libblkid, which then sees only what nobody here understands (swap, LUKS, unknowns).
public enum VolumeScanner {
    /// Scans `disks` (several when a VG spans images). Throws `ImageError` for a malformed
    /// partition table or LVM metadata; LVs that cannot be read are listed in `notes`.
    ///
    /// `recognised` is asked about every volume before libblkid: true means the caller's own
    /// reader knows it, and its content is left empty (the caller's reader names it; libblkid is
    /// not asked, so a second, conflicting signature goes unnoticed there — our reader decides).
    /// When `recognised` is given, an LVM2 PV is named from its label as blkid names it
    /// (`LVM2_member`, the dashed PV UUID, `LVM2 001`). Without it, libblkid names every volume.
    public static func scan(
        _ disks: [any BlockDevice], recognised: ((any BlockDevice) -> Bool)? = nil
    ) throws -> VolumeScan {
        var scan = VolumeScan()
        var candidates: [Volume] = []
        for (index, disk) in disks.enumerated() {
            let prefix = disks.count > 1 ? "disk \(index + 1) " : ""
            guard let table = try partitionTable(disk, index: index, notes: &scan.notes) else {
                candidates.append(
                    Volume(
                        name: disks.count > 1 ? "disk \(index + 1)" : "whole disk", origin: .wholeDisk,
                        device: disk, disk: index))
                continue
            }
            scan.tables.append(table)
            for p in table.partitions where !p.isContainer && p.size > 0 {
                candidates.append(
                    Volume(
                        name: "\(prefix)partition \(p.number)", origin: .partition(p),
                        device: try SliceDevice(disk, start: p.start, size: p.size, layer: "partition"),
                        disk: index))
            }
        }
        var pvs: [LVM2VolumeGroup.FoundPV] = []
        for (i, v) in candidates.enumerated() {
            do {
                if let label = try LVM2Label.find(in: v.device) {
                    if recognised != nil { candidates[i].content = pvContent(label) }
                    pvs.append(
                        LVM2VolumeGroup.FoundPV(label: label, device: v.device, volumeName: v.name, disk: v.disk))
                }
            } catch var e as ImageError {
                e.detail = "PV on \(v.name): " + e.detail
                throw e
            }
        }
        let lvm = try LVM2VolumeGroup.assemble(pvs)
        scan.volumeGroups = lvm.groups
        scan.notes += lvm.notes
        for var v in candidates + lvm.volumes {
            if v.content.type != nil || recognised?(v.device) == true {
                scan.volumes.append(v)
                continue
            }
            switch try BlkidProbe.identify(v.device) {
            case .identified(let content): v.content = content
            case .nothing: break
            case .partitionTable(let type): v.content.partitionTable = type
            case .ambivalent:
                scan.notes.append("\(v.name): libblkid found conflicting signatures; content left unnamed")
            }
            scan.volumes.append(v)
        }
        return scan
    }

    /// What `blkid -p` prints for a PV (TYPE, UUID, VERSION; the label holds no other name).
    static func pvContent(_ label: LVM2Label) -> VolumeContent {
        VolumeContent(type: "LVM2_member", uuid: lvmUUIDText(label.uuid), version: "LVM2 001")
    }

    /// The disk's partition table, or nil when it has none.
    static func partitionTable(_ disk: any BlockDevice, index: Int, notes: inout [String]) throws -> PartitionTable? {
        let head = try disk.read(at: 0, count: Int(min(disk.size, 8192)), layer: "partition")
        let name = "disk \(index + 1)"
        let mbr = MBRPartitionTable.matches(head) ? try MBRPartitionTable(device: disk) : nil
        if mbr?.isProtective == true || (mbr == nil && GPTPartitionTable.matches(head)) {
            let gpt = try GPTPartitionTable(device: disk)
            if let damage = gpt.primaryDamage {
                notes.append(
                    "\(name): GPT primary copy damaged (\(damage)); using the backup header at LBA \(gpt.headerLBA)")
            }
            if mbr == nil { notes.append("\(name): GPT found without a protective MBR") }
            return PartitionTable(
                disk: index, scheme: .gpt, identifier: gpt.diskGUID, sectorSize: gpt.sectorSize,
                partitions: gpt.partitions, usedBackupHeader: gpt.primaryDamage != nil)
        }
        guard let mbr else { return nil }
        return PartitionTable(
            disk: index, scheme: .mbr, identifier: hex8(mbr.diskSignature),
            sectorSize: MBRPartitionTable.sectorSize, partitions: mbr.partitions)
    }
}

/// The result of a scan: the volumes, the layout they were found in, and what could not be read.
public struct VolumeScan: Sendable {
    /// Every partition (except MBR extended containers and GPT's protective entry), whole-disk
    /// volume and readable LV, each identified by libblkid.
    public var volumes: [Volume] = []
    /// The partition table of each disk that has one.
    public var tables: [PartitionTable] = []
    /// LVM2 volume groups with their PVs and LVs (readable or not).
    public var volumeGroups: [VolumeGroup] = []
    /// What was found but cannot be read or was repaired, one sentence each ("lv rhel/pool: thin
    /// pools cannot be read (segment type thin-pool)", "GPT primary header damaged …; backup used").
    public var notes: [String] = []
    public init() {}
}
