import BlockIO
import DiskFormats
import FileSystems
import Volumes

/// How to open an image.
public struct OpenOptions: Sendable {
    /// Allow backing files, parents and extents outside the image's folder.
    public var allowExternalFiles = false
    /// Which root to check when there are several: a volume name (`partition 2`, `lv rhel/root`),
    /// a device path (`/dev/mapper/rhel-root`) or a file system UUID or label.
    public var root: String?
    /// More disks of the same machine (a volume group spanning several image files), scanned
    /// together with the image.
    public var extraDisks: [String]
    /// Which disk of a multi-disk package (OVA) to read, 0-based.
    public var diskIndex: Int
    /// How long one image may take (`check --timeout`, default 120 s). A worker process is killed
    /// past it; a layer that waits on the network (retries, backoff) stops waiting at it.
    public var timeout: Duration
    public init(
        allowExternalFiles: Bool = false, root: String? = nil, extraDisks: [String] = [], diskIndex: Int = 0,
        timeout: Duration = .seconds(120)
    ) {
        self.allowExternalFiles = allowExternalFiles
        self.root = root
        self.extraDisks = extraDisks
        self.diskIndex = diskIndex
        self.timeout = timeout
    }
}

/// A volume and what was found on it.
public struct FoundVolume: Sendable {
    public var volume: Volume
    /// The file system we can read there, when there is one.
    public var fileSystem: (any FileSystem)?
    /// Superblock identity (ours when we read it, else libblkid's).
    public var identity: FileSystemIdentity?
    /// Why it is not readable, when it is not (`swap`, `crypto_LUKS (LUKS2): encrypted`, …).
    public var reason: String?
}

/// An image opened down to its guest tree: container, volumes, file systems, root and mounts.
///
/// The data flows one way (DESIGN.md): file → `DiskImage` → `VolumeScanner` → `FileSystemProbe`
/// → root assembly from `/etc/fstab` → `GuestTree`.
public final class GuestImage: Sendable {
    public let path: String
    /// `directory`, `raw`, `qcow2`, `vhd-fixed`, … as reported in JSON.
    public let format: String
    public let virtualSize: UInt64?
    /// Host files opened (image, backing files, extents).
    public let files: [String]
    /// Bytes and reads from the image files, all layers included.
    public let counter: ReadCounter
    public let notes: [String]
    public let scan: VolumeScan?
    public let volumes: [FoundVolume]
    public let assembly: RootAssembly
    public var tree: GuestTree { assembly.tree }

    init(
        path: String, format: String, virtualSize: UInt64?, files: [String], counter: ReadCounter, notes: [String],
        scan: VolumeScan?, volumes: [FoundVolume], assembly: RootAssembly
    ) {
        self.path = path
        self.format = format
        self.virtualSize = virtualSize
        self.files = files
        self.counter = counter
        self.notes = notes
        self.scan = scan
        self.volumes = volumes
        self.assembly = assembly
    }

    /// Opens a disk image, or a folder holding an unpacked root file system.
    /// Throws `ImageError` when the image cannot be read or has no readable root.
    public static func open(_ path: String, options: OpenOptions = OpenOptions()) throws -> GuestImage {
        let counter = ReadCounter()
        if isDirectory(path) {
            let fs = try DirectoryFileSystem(path: path)
            let found = FoundVolume(
                volume: Volume(name: "folder", origin: .wholeDisk, device: ZeroDevice(size: 0)), fileSystem: fs,
                identity: FileSystemIdentity(type: "directory"))
            let assembly = try RootAssembly.assemble([found], options: options, applyFstab: false)
            return GuestImage(
                path: path, format: "directory", virtualSize: nil, files: [path], counter: counter, notes: [],
                scan: nil, volumes: [found], assembly: assembly)
        }
        let absolute = OpenContext.absolute(path)
        let directory = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.startIndex)])
        var context = OpenContext(
            directory: directory.isEmpty ? "/" : directory, allowExternalFiles: options.allowExternalFiles,
            counter: counter)
        context.diskIndex = options.diskIndex
        // Said first, so an empty file is not taken for an empty archive or a disk with no root.
        if try FileDevice(path: absolute).size == 0 {
            throw ImageError("format", .truncated, "empty (0 bytes)")
        }
        if let archive = try openArchive(absolute, counter: counter) {
            let found = FoundVolume(
                volume: Volume(name: "archive", origin: .wholeDisk, device: ZeroDevice(size: 0)), fileSystem: archive,
                identity: FileSystemIdentity(type: "archive"))
            let assembly = try RootAssembly.assemble([found], options: options, applyFstab: false)
            return GuestImage(
                path: path, format: "archive", virtualSize: nil, files: [path], counter: counter, notes: [],
                scan: nil, volumes: [found], assembly: assembly)
        }
        let disk = try DiskImage.open(path: absolute, context: context)
        var extras: [OpenedDisk] = []
        for extra in options.extraDisks {
            let abs = OpenContext.absolute(extra)
            var c = context
            c.directory = String(abs[..<(abs.lastIndex(of: "/") ?? abs.startIndex)])
            extras.append(try DiskImage.open(path: abs, context: c))
        }
        let scan = try VolumeScanner.scan(([disk] + extras).map(cached))
        var found: [FoundVolume] = []
        for v in scan.volumes {
            found.append(try probe(v))
        }
        let assembly = try RootAssembly.assemble(found, options: options, applyFstab: true)
        return GuestImage(
            path: path, format: disk.format, virtualSize: disk.virtualSize, files: disk.files + extras.flatMap(\.files), counter: counter,
            notes: disk.notes + scan.notes, scan: scan, volumes: found, assembly: assembly)
    }

    /// Decoded formats re-read their tables and small metadata often: a modest cache in front.
    /// Raw and fixed VHD are plain file reads already.
    static func cached(_ disk: OpenedDisk) -> any BlockDevice {
        disk.format == "raw" || disk.format == "vhd-fixed"
            ? disk.device : CachedDevice(disk.device, blockSize: 16 << 10, capacity: 2048)
    }

    /// Opens the file system of one volume, or says why it cannot be read.
    static func probe(_ v: Volume) throws -> FoundVolume {
        let blkid = v.content.type.map {
            FileSystemIdentity(type: $0, uuid: v.content.uuid, label: v.content.label)
        }
        if let fs = try FileSystemProbe.open(v.device) {
            return FoundVolume(volume: v, fileSystem: fs, identity: fs.identity, reason: nil)
        }
        let reason: String
        switch v.content.type {
        case nil: reason = "no recognised file system"
        case "crypto_LUKS"?: reason = "encrypted (\(v.content.version.map { "LUKS\($0)" } ?? "LUKS")): cannot be inspected offline"
        case "swap"?: reason = "swap space"
        case "LVM2_member"?: reason = "LVM2 physical volume"
        case let t?: reason = "\(t): no reader for this content"
        }
        return FoundVolume(volume: v, fileSystem: nil, identity: blkid, reason: reason)
    }

    /// A rootfs tarball (tar or cpio, compressed or not) that no disk format claims: read in one
    /// streaming pass keeping only what the inspectors declared they read (`GuestInspector.interest`).
    static func openArchive(_ path: String, counter: ReadCounter) throws -> ArchiveFileSystem? {
        // libarchive's look at the first header comes first: a disk image fails it at once, so
        // only tarballs (an OVA is one too) pay for the container sniff, which DiskImage.open
        // would otherwise repeat.
        guard ArchiveFileSystem.matches(path: path) else { return nil }
        let file = CountingDevice(try FileDevice(path: path), counter: counter)
        guard try DiskImage.sniff(file) == nil else { return nil }
        return try ArchiveFileSystem(device: file, interest: PathInterest(GuestInspector.interest.patterns))
    }

    static func isDirectory(_ path: String) -> Bool {
        (try? DirectoryFileSystem(path: path)) != nil
    }
}
