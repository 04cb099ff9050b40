import DiskFormats
import Volumes

/// What the image file and its disk say, below the guest: the container (format, sizes, a VHD's
/// footer) and the partition table the firmware boots from. Read by the "Container and disk"
/// requirements of profile `azure-image`. A folder or a tarball has none (`GuestImage.container`
/// is nil there), so those checks skip.
///
/// These facts differ between containers of the same guest by nature (a qcow2 and a VHD of one
/// disk), so reports do not print them under `facts` (which must be the same for every container
/// of one guest); the findings' evidence carries the values they decided on.
public struct ContainerFacts: Sendable, Codable, Equatable {
    /// `raw`, `qcow2`, `vhd-fixed`, `vhd-dynamic`, `vhdx`, … as in the report's `image.format`.
    public var format: String
    /// The length in bytes of the image file (the top of a chain).
    public var fileSize: UInt64
    /// The size of the disk the guest sees.
    public var virtualSize: UInt64
    /// The footer, when the file is a VHD.
    public var vhd: VHDFooterFacts?
    /// The OS disk's partition table; nil when the disk has none (a file system on the whole disk).
    public var partitionTable: PartitionTableFacts?
    /// LVM logical volumes holding swap space (libblkid's content, `VolumeContent.Kind.swap`), by
    /// volume group then name. Swap partitions are in `partitionTable` (`PartitionFacts.holdsSwap`).
    public var swapLogicalVolumes: [LogicalVolumeFacts]

    public init(
        format: String, fileSize: UInt64, virtualSize: UInt64, vhd: VHDFooterFacts? = nil,
        partitionTable: PartitionTableFacts? = nil, swapLogicalVolumes: [LogicalVolumeFacts] = []
    ) {
        self.format = format
        self.fileSize = fileSize
        self.virtualSize = virtualSize
        self.vhd = vhd
        self.partitionTable = partitionTable
        self.swapLogicalVolumes = swapLogicalVolumes
    }
}

/// An LVM2 logical volume, as the OS-disk checks name it.
public struct LogicalVolumeFacts: Sendable, Codable, Equatable {
    public var volumeGroup: String
    public var name: String
    /// Its size in bytes.
    public var size: UInt64

    public init(volumeGroup: String, name: String, size: UInt64) {
        self.volumeGroup = volumeGroup
        self.name = name
        self.size = size
    }
}

/// The OS disk's partition table as the firmware sees it.
public struct PartitionTableFacts: Sendable, Codable, Equatable {
    public var scheme: Partition.Scheme
    /// The logical sector size the table was read with.
    public var sectorSize: UInt64
    /// Every entry, in table order.
    public var partitions: [PartitionFacts]
    /// Sector 0 holds boot code (bytes 0–439 not all zero): what a BIOS runs, the MBR of a
    /// Gen1 boot (GRUB's boot.img). A protective MBR may hold it too (hybrid BIOS + UEFI images).
    public var mbrBootCode: Bool

    public init(scheme: Partition.Scheme, sectorSize: UInt64, partitions: [PartitionFacts], mbrBootCode: Bool) {
        self.scheme = scheme
        self.sectorSize = sectorSize
        self.partitions = partitions
        self.mbrBootCode = mbrBootCode
    }
}

/// One partition and what is on it, as far as booting is concerned.
public struct PartitionFacts: Sendable, Codable, Equatable {
    /// The kinds of partition the boot checks look for, from the type GUID (or MBR type byte).
    public enum Role: String, Sendable, Codable {
        /// GPT `21686148-6449-6e6f-744e-656564454649`: where GRUB's core.img lives for a BIOS boot.
        case biosBoot
        /// GPT `c12a7328-f81f-11d2-ba4b-00a0c93ec93b` or MBR `0xef`.
        case efiSystem
        /// GPT `0657fd6d-a4ab-43c4-84e5-0933c84b4f4f` or MBR `0x82`.
        case swap
        case other
    }

    public var number: Int
    /// Byte offset on the disk.
    public var start: UInt64
    public var size: UInt64
    /// GPT type GUID (lower case) or MBR type byte as `0x83`.
    public var type: String
    public var role: Role
    /// libblkid's TYPE of its content (`vfat`, `ext4`, `swap`, `LVM2_member`), when known.
    public var content: String?
    /// libblkid found swap space on it (`VolumeContent.Kind.swap`), whatever its type says.
    public var holdsSwap: Bool
    /// On an EFI system partition: the loaders found, as paths on it (`EFI/BOOT/BOOTX64.EFI`,
    /// `EFI/debian/shimx64.efi`); sorted. Empty elsewhere.
    public var efiLoaders: [String]
    /// Why the EFI system partition's files could not be listed, when they could not.
    public var unreadable: String?

    public init(
        number: Int, start: UInt64, size: UInt64, type: String, role: Role, content: String? = nil,
        holdsSwap: Bool = false, efiLoaders: [String] = [], unreadable: String? = nil
    ) {
        self.number = number
        self.start = start
        self.size = size
        self.type = type
        self.role = role
        self.content = content
        self.holdsSwap = holdsSwap
        self.efiLoaders = efiLoaders
        self.unreadable = unreadable
    }

    static func role(scheme: Partition.Scheme, type: String) -> Role {
        switch (scheme, type) {
        case (.gpt, "21686148-6449-6e6f-744e-656564454649"): return .biosBoot
        case (.gpt, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), (.mbr, "0xef"): return .efiSystem
        case (.gpt, "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f"), (.mbr, "0x82"): return .swap
        default: return .other
        }
    }
}
