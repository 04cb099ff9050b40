/// The fields of the footer a VHD was opened with that upload and certification look at
/// ("Hard Disk Footer Format"), for checks about the file rather than the guest (the `vhd-*`
/// requirements of profile `azure-image`). Cookie, checksum, version and type were verified when
/// the footer was read: a footer that fails them fails the open, so it never reaches here.
public struct VHDFooterFacts: Sendable, Codable, Equatable {
    /// The footer's disk type field (0x3C): 2 fixed, 3 dynamic, 4 differencing.
    public enum DiskType: String, Sendable, Codable {
        case fixed, dynamic, differencing
    }

    /// The CHS geometry field (0x38) that qemu without `force_size` rounds the size to.
    public struct Geometry: Sendable, Codable, Equatable {
        public var cylinders: UInt16
        public var heads: UInt8
        public var sectorsPerTrack: UInt8

        public init(cylinders: UInt16, heads: UInt8, sectorsPerTrack: UInt8) {
            self.cylinders = cylinders
            self.heads = heads
            self.sectorsPerTrack = sectorsPerTrack
        }

        /// Cylinders × heads × sectors × 512: the size of a disk sized by this geometry (at most
        /// 65535 × 16 × 255 × 512, so it cannot overflow).
        public var bytes: UInt64 { UInt64(cylinders) * UInt64(heads) * UInt64(sectorsPerTrack) * 512 }
    }

    public var diskType: DiskType
    /// The creator application (0x1C): `qemu` (qemu-img without force_size), `qem2` (with it),
    /// `win `, `vpc `, `tap\0`, …
    public var creatorApplication: String
    /// The size the disk had when created (0x28).
    public var originalSize: UInt64
    /// The size the guest sees (0x30).
    public var currentSize: UInt64
    public var geometry: Geometry
    /// Byte offset of the footer that was used (the file's last 512 bytes, or 0 for the copy).
    public var footerOffset: UInt64
    /// The footer at the end was damaged and the copy at offset 0 was used (dynamic and
    /// differencing disks only).
    public var usedCopyAtStart: Bool

    public init(
        diskType: DiskType, creatorApplication: String, originalSize: UInt64, currentSize: UInt64, geometry: Geometry,
        footerOffset: UInt64, usedCopyAtStart: Bool
    ) {
        self.diskType = diskType
        self.creatorApplication = creatorApplication
        self.originalSize = originalSize
        self.currentSize = currentSize
        self.geometry = geometry
        self.footerOffset = footerOffset
        self.usedCopyAtStart = usedCopyAtStart
    }
}
