/// The partition table of one disk, as `imagegate inspect` shows it.
public struct PartitionTable: Sendable, Equatable, Codable {
    /// Index (0-based) of the disk in the scan's input.
    public var disk: Int
    public var scheme: Partition.Scheme
    /// GPT disk GUID (lower case) or the MBR disk signature as 8 hex digits (blkid's PTUUID).
    public var identifier: String
    /// Logical sector size of the table (512, or 4096 for a GPT found at byte 4096).
    public var sectorSize: UInt64
    /// Every entry, including MBR extended containers (type `0x05`/`0x0f`/`0x85`), which are not volumes.
    public var partitions: [Partition]
    /// True when the GPT's primary header or entries were damaged and the backup copy was used.
    public var usedBackupHeader: Bool

    public init(
        disk: Int, scheme: Partition.Scheme, identifier: String, sectorSize: UInt64, partitions: [Partition],
        usedBackupHeader: Bool = false
    ) {
        self.disk = disk
        self.scheme = scheme
        self.identifier = identifier
        self.sectorSize = sectorSize
        self.partitions = partitions
        self.usedBackupHeader = usedBackupHeader
    }
}

/// An LVM2 volume group found on the scanned disks.
public struct VolumeGroup: Sendable, Equatable, Codable {
    public var name: String
    public var uuid: String
    /// Sequence number of the metadata copy used (the newest found).
    public var seqno: UInt64
    /// Extent size in bytes.
    public var extentSize: UInt64
    public var physicalVolumes: [PhysicalVolume]
    public var logicalVolumes: [LogicalVolume]
}

/// A PV of a volume group.
public struct PhysicalVolume: Sendable, Equatable, Codable {
    /// Its key in the metadata (`pv0`).
    public var key: String
    public var uuid: String
    /// Name of the scanned volume holding it (`partition 2`, `disk 2`), nil when it was not found.
    public var volume: String?
    /// Offset of the first extent from the PV's start, in bytes.
    public var peStart: UInt64
    public var extentCount: UInt64
}

/// An LV of a volume group.
public struct LogicalVolume: Sendable, Equatable, Codable {
    public var name: String
    public var uuid: String
    /// Size in bytes.
    public var size: UInt64
    /// False for internal LVs (thin pool data/metadata, RAID images), which are never volumes.
    public var isVisible: Bool
    public var segments: [LogicalVolumeSegment]
    /// Why the LV cannot be read (thin pool, RAID, missing PV), nil when it is a volume of the scan.
    public var unreadableReason: String?
}

/// One segment of an LV.
public struct LogicalVolumeSegment: Sendable, Equatable, Codable {
    /// `striped` (a linear segment is striped over one PV), `thin-pool`, `thin`, `raid1`, …
    public var type: String
    public var startExtent: UInt64
    public var extentCount: UInt64
    /// Stripe size in bytes (0 for a single stripe).
    public var stripeSize: UInt64
    /// Each stripe as `pv0:<first extent>`.
    public var stripes: [String]
}
