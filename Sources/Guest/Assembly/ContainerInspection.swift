import BlockIO
import DiskFormats
import FileSystems
import Volumes

extension ContainerFacts {
    /// The container facts alone (no partition table): what the file says, before any volume scan.
    public init(disk: OpenedDisk) {
        self.init(format: disk.format, fileSize: disk.fileSize ?? 0, virtualSize: disk.virtualSize, vhd: disk.vhdFooter)
    }

    /// The container and OS-disk facts of a disk image that `ImageSource.disk` opened and scanned.
    /// Only the first disk is the OS disk: extra disks (`--disk-file`) are not where Azure boots.
    static func read(_ disk: OpenedDisk, device: any BlockDevice, scan: VolumeScan, volumes: [FoundVolume]) throws
        -> ContainerFacts
    {
        var table: PartitionTableFacts?
        if let t = scan.tables.first(where: { $0.disk == 0 }) {
            let sector0 = try device.read(at: 0, count: Int(min(device.size, 440)), layer: "partition")
            var partitions: [PartitionFacts] = []
            for p in t.partitions {
                let found = volumes.first {
                    if case .partition(let q) = $0.volume.origin { return $0.volume.disk == 0 && q == p }
                    return false
                }
                var facts = PartitionFacts(
                    number: p.number, start: p.start, size: p.size, type: p.type,
                    role: PartitionFacts.role(scheme: p.scheme, type: p.type),
                    content: found?.identity?.type ?? found?.volume.content.type,
                    holdsSwap: found?.volume.content.kind == .swap)
                if facts.role == .efiSystem, let fs = found?.fileSystem {
                    do {
                        facts.efiLoaders = try efiLoaders(fs)
                    } catch {
                        facts.unreadable = "\(error)"
                    }
                }
                partitions.append(facts)
            }
            table = PartitionTableFacts(
                scheme: t.scheme, sectorSize: t.sectorSize, partitions: partitions,
                mbrBootCode: sector0.count == 440 && sector0.contains { $0 != 0 })
        }
        // A swap LV counts on whichever disk its first PV is: its volume group may span the OS disk.
        var swapLVs: [LogicalVolumeFacts] = []
        for v in volumes where v.volume.content.kind == .swap {
            guard case .logicalVolume(let group, let name) = v.volume.origin else { continue }
            swapLVs.append(LogicalVolumeFacts(volumeGroup: group, name: name, size: v.volume.device.size))
        }
        var facts = ContainerFacts(disk: disk)
        facts.partitionTable = table
        facts.swapLogicalVolumes = swapLVs.sorted { ($0.volumeGroup, $0.name) < ($1.volumeGroup, $1.name) }
        return facts
    }

    /// `EFI/<folder>/<name>.efi` on an EFI system partition (FAT: names compared without case),
    /// as the path is spelled on it; sorted.
    static func efiLoaders(_ fs: any FileSystem) throws -> [String] {
        guard
            let efi = try fs.contents(ofDirectory: .root).first(where: {
                $0.type == .directory && $0.name.uppercased() == "EFI"
            })
        else { return [] }
        let efiPath = try FSPath.root.appending(efi.name)
        var loaders: [String] = []
        for folder in try fs.contents(ofDirectory: efiPath) where folder.type == .directory {
            let folderPath = try efiPath.appending(folder.name)
            for file in try fs.contents(ofDirectory: folderPath)
            where file.type == .regular && file.name.lowercased().hasSuffix(".efi") {
                loaders.append("\(efi.name)/\(folder.name)/\(file.name)")
            }
        }
        return loaders.sorted()
    }
}
