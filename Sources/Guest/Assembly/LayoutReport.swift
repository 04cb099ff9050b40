import FileSystems
import Volumes

/// The layout `imagegate inspect` prints: container, volumes with their file systems, the roots
/// found, the one checked and what its fstab mounted or skipped.
public struct LayoutReport: Sendable, Codable {
    public struct Image: Sendable, Codable {
        public var path: String
        public var format: String
        public var virtualSize: UInt64?
        public var files: [String]
    }

    public struct VolumeInfo: Sendable, Codable {
        public var name: String
        public var start: UInt64?
        public var size: UInt64
        public var partitionType: String?
        public var partUUID: String?
        public var partLabel: String?
        public var devicePaths: [String]?
        public var fileSystem: FileSystemIdentity?
        public var readable: Bool
        public var reason: String?
    }

    public var image: Image
    /// Each disk's partition table (scheme, disk GUID or signature, sector size).
    public var partitionTables: [PartitionTable]
    /// LVM2 volume groups with their PVs and LVs, readable or not.
    public var volumeGroups: [VolumeGroup]
    public var volumes: [VolumeInfo]
    public var roots: [String]
    /// The checked root's volume; empty when the image has none.
    public var root: String
    /// Why there is no root ("no root file system found (…)"); absent when there is one.
    public var noRoot: String?
    public var mounts: [MountReport]
    public var notes: [String]

    public init(_ g: GuestImage) {
        image = Image(path: g.path, format: g.format, virtualSize: g.virtualSize, files: g.files)
        partitionTables = g.scan?.tables ?? []
        volumeGroups = g.scan?.volumeGroups ?? []
        volumes = g.volumes.map { v in
            var info = VolumeInfo(
                name: v.volume.name, start: nil, size: v.volume.device.size,
                devicePaths: v.volume.devicePaths.isEmpty ? nil : v.volume.devicePaths,
                fileSystem: v.identity, readable: v.fileSystem != nil, reason: v.reason)
            if case .partition(let p) = v.volume.origin {
                info.start = p.start
                info.partitionType = p.type
                info.partUUID = p.uuid
                info.partLabel = p.name
            }
            return info
        }
        roots = g.assembly?.candidates.map { c in c.subvolume.map { "\(c.volume) subvol=\($0)" } ?? c.volume } ?? []
        root = g.assembly?.rootVolume ?? ""
        noRoot = g.rootless?.description
        mounts = g.assembly?.mounts ?? []
        notes = g.notes
    }
}
