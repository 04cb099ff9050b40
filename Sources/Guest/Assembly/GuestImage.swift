import BlockIO
import DiskFormats
import FileSystems
import RemoteIO
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
    /// Where the image and the files it names are opened from (host files by default; a URL is
    /// always read through `HTTPFileStore`).
    public var fileStore: any FileStore = LocalFileStore()
    /// PEM bundle of the CAs trusted for `https://` images (`--ca-cert`); nil: `SSL_CERT_FILE`,
    /// else libcurl's default bundle.
    public var caCertFile: String?
    /// What a policy asks inspection to read beyond the inspectors' own interests; a tarball
    /// keeps the bytes of these paths too.
    public var declared = DeclaredInterest()
    /// Whether an image with no guest root is an error (`check`). False for browsing (`inspect`,
    /// `ls`, `cat`): an image whose volumes hold file systems but no root opens without one.
    public var requireRoot = true
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
    /// Why it is not readable, when it is not, led by libblkid's name (`swap: swap space`,
    /// `crypto_LUKS: encrypted (LUKS2), cannot be inspected offline`, `zfs_member: no reader …`).
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
    /// Requests, round trips and bytes on the network, for an image behind a URL (nil otherwise).
    public let transfer: TransferCounter?
    public let notes: [String]
    public let scan: VolumeScan?
    public let volumes: [FoundVolume]
    /// The guest root and its mounts; nil when the image has none and was opened without
    /// `OpenOptions.requireRoot` (then `rootless` says why).
    public let assembly: RootAssembly?
    /// Why no root was assembled ("no root file system found (…)"), when `assembly` is nil.
    public let rootless: ImageError?
    /// The container file and OS disk below the guest; nil for a folder or a tarball.
    public let container: ContainerFacts?
    /// The guest tree; throws `rootless` when there is no root.
    public var tree: GuestTree {
        get throws {
            guard let assembly else { throw rootless ?? ImageError("guest", .notFound, "no root file system found") }
            return assembly.tree
        }
    }

    init(
        path: String, format: String, virtualSize: UInt64?, files: [String], counter: ReadCounter,
        transfer: TransferCounter?,
        notes: [String],
        scan: VolumeScan?, volumes: [FoundVolume], assembly: Result<RootAssembly, ImageError>,
        container: ContainerFacts? = nil
    ) {
        self.path = path
        self.format = format
        self.virtualSize = virtualSize
        self.files = files
        self.counter = counter
        self.transfer = transfer
        self.notes = notes
        self.scan = scan
        self.volumes = volumes
        switch assembly {
        case .success(let a): (self.assembly, rootless) = (a, nil)
        case .failure(let e): (self.assembly, rootless) = (nil, e)
        }
        self.container = container
    }

    /// Opens a disk image, a rootfs tarball, or a folder holding an unpacked root file system.
    /// Throws `ImageError` when the image cannot be read or has no readable root.
    ///
    /// The path is opened once, through `options.fileStore`, as one counted device; the sources
    /// of `sources` are then asked in order, and the first that recognises it reads it. So every
    /// byte a source reads, its sniffing included, is in `counter` (`--stats`).
    public static func open(_ path: String, options: OpenOptions = OpenOptions()) throws -> GuestImage {
        let input = try SourceInput(path: path, options: options)
        for source in sources {
            if let image = try source.open(input) { return image }
        }
        // The disk source takes any file, so this is reached only for a folder it cannot read.
        throw ImageError("guest", .unsupported, "\(path) is neither a disk image, an archive nor a folder")
    }

    /// How an image path is shown in reports and errors: an `http(s)://` URL without its query
    /// and fragment (a SAS signature is a secret), anything else as given.
    public static func shownPath(_ path: String) -> String { RemoteURL.isRemote(path) ? RemoteURL.display(path) : path }

    /// A folder reads as one; a file is a tarball when libarchive recognises it and no disk
    /// format claims it (an OVA is a tar too), else a disk image (raw when nothing claims it).
    static let sources: [ImageSource] = [.directory, .archive, .disk]

    /// Opens the file system of one volume, or says why it cannot be read.
    static func probe(_ v: Volume) throws -> FoundVolume {
        let blkid = v.content.type.map {
            FileSystemIdentity(type: $0, uuid: v.content.uuid, label: v.content.label)
        }
        if let fs = try FileSystemProbe.open(v.device) {
            return FoundVolume(volume: v, fileSystem: fs, identity: fs.identity, reason: nil)
        }
        // libblkid names a type one of our readers handles though its quick check refused the
        // superblock: opening it anyway gives that file system's own error (layer and offset)
        // instead of "no reader for this content".
        if let type = v.content.type, let reader = FileSystemProbe.reader(forBlkidType: type) {
            let fs = try reader.init(device: v.device)
            return FoundVolume(volume: v, fileSystem: fs, identity: fs.identity, reason: nil)
        }
        // Each reason starts with libblkid's name for the content ("swap", "crypto_LUKS",
        // "zfs_member"), so a valid volume we do not read is named as blkid names it.
        let reason: String
        switch v.content.kind {
        case .unknown:
            reason =
                v.content.partitionTable.map { "\($0) partition table: imagegate does not read it" }
                ?? "no recognised file system"
        case .encrypted:
            let version = v.content.version.map { "LUKS\($0)" } ?? "LUKS"
            reason = "crypto_LUKS: encrypted (\(version)), cannot be inspected offline"
        case .swap: reason = "swap: swap space"
        case .lvm2PhysicalVolume: reason = "LVM2_member: LVM2 physical volume"
        case .other: reason = "\(v.content.type ?? ""): no reader for this content"
        }
        return FoundVolume(volume: v, fileSystem: nil, identity: blkid, reason: reason)
    }
}
