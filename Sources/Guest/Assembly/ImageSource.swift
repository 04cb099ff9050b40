import BlockIO
import DiskFormats
import FileSystems
import RemoteIO
import Volumes

/// What every image source is handed: the path as given, and either the folder it names or the
/// one counted device of the file it names.
struct SourceInput {
    let path: String
    let options: OpenOptions
    let counter = ReadCounter()
    /// What a remote image's files cost on the network (nil for a local image).
    let transfer: TransferCounter?
    /// The folder, when `path` is one (there is no file device then).
    let folder: DirectoryFileSystem?
    /// The file at `path`, counted: the only handle any source reads the image file through.
    let file: (any BlockDevice)?
    /// The disk format whose header `file` carries (`DiskImage.sniff`), nil for a raw disk, a
    /// tarball or a folder: sniffed once here for the archive source, which needs to know, and
    /// the disk source, which opens that format.
    let sniffed: (any DiskFormat.Type)?
    let context: OpenContext

    init(path: String, options: OpenOptions) throws {
        self.path = path
        self.options = options
        let remote = RemoteURL.isRemote(path)
        // A URL is read where it lies, through range GETs; its query (a SAS) is a secret, so only
        // `shownPath` ever reaches a report or an error.
        transfer = remote ? TransferCounter() : nil
        let store: any FileStore =
            if let transfer {
                HTTPFileStore(
                    options: RemoteOptions(caCertFile: options.caCertFile, timeout: options.timeout), counter: transfer,
                    imageURL: path)
            } else {
                options.fileStore
            }
        let absolute = remote ? path : OpenContext.absolute(path)
        // A URL's folder without its query: files the image names resolve against it.
        let directory =
            store.folder(of: absolute) ?? String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.startIndex)])
        var context = OpenContext(
            directory: directory.isEmpty ? "/" : directory, allowExternalFiles: options.allowExternalFiles,
            counter: counter)
        context.diskIndex = options.diskIndex
        context.store = store
        self.context = context
        folder = remote ? nil : try? DirectoryFileSystem(path: path)
        file = folder == nil ? CountingDevice(try store.open(absolute), counter: counter) : nil
        // Said first, so an empty file is not taken for an empty archive or a disk with no root.
        if let file, file.size == 0 { throw ImageError("format", .truncated, "empty (0 bytes)") }
        sniffed = try file.flatMap { try DiskImage.sniff($0) }
    }

    /// Readers a guest tree of this image runs side by side: several for a URL (each miss costs a
    /// round trip), one for a local file.
    var readWidth: Int { transfer == nil ? 1 : RemoteOptions.defaultParallelRequests }

    var absolutePath: String { RemoteURL.isRemote(path) ? shownPath : OpenContext.absolute(path) }

    /// The path as reports show it: a URL without its query and fragment.
    var shownPath: String { GuestImage.shownPath(path) }
}

/// One way of reading an image path, tried in the order of `GuestImage.sources`; `nil` when it is
/// not this kind of image.
struct ImageSource: Sendable {
    let open: @Sendable (SourceInput) throws -> GuestImage?

    /// A folder holding an unpacked root file system.
    static let directory = ImageSource { input in
        guard let fs = input.folder else { return nil }
        return try single(fs, name: "folder", format: "directory", input)
    }

    /// A rootfs tarball (tar or cpio, compressed or not) that no disk format claims: read in one
    /// streaming pass keeping only what the inspectors declared they read (`GuestInspector.interest`).
    static let archive = ImageSource { input in
        // The container sniff comes first (its answer is kept for the disk source): a qcow2, VHD,
        // VHDX, VMDK or OVA is never shown to libarchive, which is then not even loaded
        // (carchive.h: about 1 ms of dynamic linking); a raw disk and a tarball are.
        guard let file = input.file, input.sniffed == nil, try ArchiveFileSystem.matches(file) else {
            return nil
        }
        let interest = PathInterest(GuestInspector.interest.patterns + input.options.declared.patterns)
        let fs = try ArchiveFileSystem(device: file, interest: interest)
        // A root packed below a folder (`./rootfs/etc/os-release`): the single pass kept the
        // bytes of the paths of interest at the archive's root, so a second pass reads the archive
        // again with that folder as the root.
        if let prefix = fs.nestedRoot() {
            let nested = try ArchiveFileSystem(device: file, interest: interest, prefix: prefix)
            return try single(
                nested, name: "archive", format: "archive", input,
                notes: ["the root is \(prefix) of the archive (read in a second pass)"])
        }
        return try single(fs, name: "archive", format: "archive", input)
    }

    /// A disk image of any format DiskFormats decodes (raw when none claims it), with the extra
    /// disks of the same machine, scanned for volumes and file systems.
    static let disk = ImageSource { input in
        guard let file = input.file else { return nil }
        let disk = try DiskImage.open(file, sniffed: input.sniffed, path: input.absolutePath, context: input.context)
        var extras: [OpenedDisk] = []
        for extra in input.options.extraDisks {
            let abs = OpenContext.absolute(extra)
            var c = input.context
            c.directory = String(abs[..<(abs.lastIndex(of: "/") ?? abs.startIndex)])
            extras.append(try DiskImage.open(path: abs, context: c))
        }
        // libblkid is asked only about volumes none of our file system readers claims: it would
        // read 1–2 MiB of each, most of the bytes a check reads (issue 13's budget is 4 MiB).
        // No cache in front of the disks: each decoder keeps what it re-reads (qcow2 table pages
        // and compressed clusters, VMDK grain tables and grains, VHDX metadata, HTTP blocks), the
        // file systems their metadata, and a generic 4 KiB block cache on top only copied (a
        // qcow2 check 25.3 -> 23.8 ms of CPU without it, a compressed qcow2 and a
        // streamOptimized VMDK no slower).
        let scan = try VolumeScanner.scan(([disk] + extras).map(\.device), recognised: FileSystemProbe.recognises)
        // Side by side for a URL (each volume's superblock and first tables are a round trip or
        // three); the first error in volume order is thrown, as one by one.
        let found = try concurrentMap(scan.volumes, width: input.readWidth) { try GuestImage.probe($0) }.map {
            try $0.get()
        }
        let assembly = try RootAssembly.assembleOrRootless(
            found, options: input.options, applyFstab: true, readWidth: input.readWidth)
        let container = try ContainerFacts.read(disk, device: disk.device, scan: scan, volumes: found)
        return GuestImage(
            path: input.shownPath, format: disk.format, virtualSize: disk.virtualSize,
            files: disk.files + extras.flatMap(\.files), counter: input.counter, transfer: input.transfer,
            notes: disk.notes + scan.notes,
            scan: scan, volumes: found, assembly: assembly, container: container)
    }

    /// An image that is one file system and nothing else (a folder, a tarball): no volumes, no fstab.
    static func single(
        _ fs: any FileSystem, name: String, format: String, _ input: SourceInput, notes: [String] = []
    ) throws -> GuestImage {
        let found = FoundVolume(
            volume: Volume(name: name, origin: .wholeDisk, device: ZeroDevice(size: 0)), fileSystem: fs,
            identity: FileSystemIdentity(type: format))
        let assembly = try RootAssembly.assembleOrRootless([found], options: input.options, applyFstab: false)
        return GuestImage(
            path: input.shownPath, format: format, virtualSize: nil, files: [input.shownPath], counter: input.counter,
            transfer: input.transfer, notes: notes, scan: nil, volumes: [found], assembly: assembly)
    }
}
