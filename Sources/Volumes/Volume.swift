import BlockIO

/// How a volume was found on the disk.
public enum VolumeOrigin: Sendable, Equatable {
    /// The disk holds a file system directly (no partition table).
    case wholeDisk
    /// A partition of an MBR or GPT table.
    case partition(Partition)
    /// An LVM2 logical volume.
    case logicalVolume(volumeGroup: String, name: String)
}

/// A partition table entry.
public struct Partition: Sendable, Equatable, Codable {
    /// The partition table kind.
    public enum Scheme: String, Sendable, Codable { case mbr, gpt }
    public var scheme: Scheme
    /// 1-based number as Linux names it (`sda1`; MBR logical partitions start at 5).
    public var number: Int
    /// Byte offset on the disk.
    public var start: UInt64
    public var size: UInt64
    /// GPT type GUID (lower case) or MBR type byte as `0x83`.
    public var type: String
    /// GPT unique partition GUID (lower case), or MBR `<disk signature>-<number>` as Linux forms PARTUUID.
    public var uuid: String?
    /// GPT partition name (PARTLABEL).
    public var name: String?

    /// An MBR extended container or GPT-protective entry: it holds partitions (or a GPT), never a
    /// file system of its own, so it is not a volume.
    public var isContainer: Bool {
        scheme == .mbr && type.hasPrefix("0x")
            && UInt8(type.dropFirst(2), radix: 16).map { MBREntry.containerTypes.contains($0) } == true
    }

    public init(
        scheme: Scheme, number: Int, start: UInt64, size: UInt64, type: String, uuid: String? = nil, name: String? = nil
    ) {
        self.scheme = scheme
        self.number = number
        self.start = start
        self.size = size
        self.type = type
        self.uuid = uuid
        self.name = name
    }
}

/// Content of a volume as identified from its signature.
public struct VolumeContent: Sendable, Equatable, Codable {
    /// blkid's TYPE (`ext4`, `xfs`, `btrfs`, `vfat`, `LVM2_member`, `crypto_LUKS`, `swap`, …), nil when unknown.
    public var type: String?
    public var uuid: String?
    public var label: String?
    /// blkid's VERSION (`LUKS2`), when given.
    public var version: String?
    /// blkid's PTTYPE when the volume holds no file system but a partition table we do not read
    /// (`sun`, `sgi`, `atari`, `bsd`…); `type` is nil then.
    public var partitionTable: String?

    /// What the layers above decide on, so they need not know blkid's TYPE names.
    public enum Kind: Sendable, Equatable {
        /// No signature recognised.
        case unknown
        /// LUKS (`crypto_LUKS`): cannot be read offline.
        case encrypted
        case swap
        /// An LVM2 physical volume (`LVM2_member`), read through its volume group.
        case lvm2PhysicalVolume
        /// Anything else blkid names (a file system, a RAID member, …).
        case other
    }

    public var kind: Kind {
        switch type {
        case nil: .unknown
        case "crypto_LUKS"?: .encrypted
        case "swap"?: .swap
        case "LVM2_member"?: .lvm2PhysicalVolume
        default: .other
        }
    }
    public init(
        type: String? = nil, uuid: String? = nil, label: String? = nil, version: String? = nil,
        partitionTable: String? = nil
    ) {
        self.type = type
        self.uuid = uuid
        self.label = label
        self.version = version
        self.partitionTable = partitionTable
    }
}

/// A region of the disk that may hold a file system.
public struct Volume: Sendable {
    /// Human-readable name for reports: `partition 2`, `lv rhel/root`, `whole disk`.
    public var name: String
    public var origin: VolumeOrigin
    public var device: any BlockDevice
    /// Device paths a guest would use for it (`/dev/mapper/rhel-root`, `/dev/rhel/root`).
    public var devicePaths: [String]
    public var content: VolumeContent
    /// Index (0-based) of the disk in `VolumeScanner.scan`'s input that holds the volume (for an
    /// LV, the disk of its first PV).
    public var disk: Int

    public init(
        name: String, origin: VolumeOrigin, device: any BlockDevice, devicePaths: [String] = [],
        content: VolumeContent = VolumeContent(), disk: Int = 0
    ) {
        self.name = name
        self.origin = origin
        self.device = device
        self.devicePaths = devicePaths
        self.content = content
        self.disk = disk
    }
}
