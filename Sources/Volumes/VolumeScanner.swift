import BlockIO

/// Finds every volume of one or more disks: partitions (MBR, GPT) and LVM2 logical volumes, or
/// the whole disk when it has no partition table; then names each volume's content with libblkid.
///
/// Order of decisions, per disk (each recorded in the scan): a GPT when sector 0 is a protective
/// MBR (type 0xEE) or holds no MBR while "EFI PART" is at LBA 1; else an MBR; else the whole
/// disk is one volume. Every partition and whole disk is then checked for an LVM2 PV label; PVs
/// of all disks are assembled into VGs, whose readable LVs become volumes too.
public enum VolumeScanner {
    /// Scans `disks` (several when a VG spans images). Throws `ImageError` for a malformed
    /// partition table or LVM metadata; LVs that cannot be read are listed in `notes`.
    public static func scan(_ disks: [any BlockDevice]) throws -> VolumeScan {
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
        for v in candidates {
            do {
                if let label = try LVM2Label.find(in: v.device) {
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
            switch try BlkidProbe.identify(v.device) {
            case .identified(let content): v.content = content
            case .nothing: break
            case .ambivalent:
                scan.notes.append("\(v.name): libblkid found conflicting signatures; content left unnamed")
            }
            scan.volumes.append(v)
        }
        return scan
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
