import Guest

extension ImageGate {
    /// Opens `path` (an image, a rootfs tarball or a folder) down to its guest tree, for looking
    /// around in it: `imagegate ls`, `cat` and `inspect`. Nothing is inspected yet.
    ///
    /// Throws `ImageError` when the image cannot be read. An image whose volumes hold file systems
    /// but no guest root (a data disk, a bare file system) opens without a root (`hasRoot` false):
    /// `inspect` lists its volumes and `volume(_:)` reads one; `check` still refuses it.
    public static func openImage(_ path: String, options: OpenOptions = OpenOptions()) throws -> OpenedImage {
        var options = options
        options.requireRoot = false
        return OpenedImage(try GuestImage.open(path, options: options))
    }
}

/// An image opened down to its guest tree. Every path is a guest path, resolved as the checks
/// resolve it (`GuestTree`): symlinks followed inside the guest, merged `/usr` and every mount of
/// the guest's `/etc/fstab` included. Reads are lazy; `bytesRead` grows as they happen.
///
/// Opened on one volume (`volume(_:)`), every path is a path of that volume's file system instead.
public struct OpenedImage: Sendable {
    private let image: GuestImage
    /// The one volume's file system paths resolve in, when one was chosen; else the guest's tree.
    private let volumeTree: GuestTree?

    init(_ image: GuestImage, volumeTree: GuestTree? = nil) {
        self.image = image
        self.volumeTree = volumeTree
    }

    /// False for an image with file systems but no guest root; reads then need `volume(_:)`.
    public var hasRoot: Bool { image.assembly != nil }
    /// Why there is no guest root ("no root file system found (…)"); nil when there is one.
    public var rootless: ImageError? { image.rootless }
    /// The names of the volumes holding a file system we read (`partition 2`, `lv vg/data`,
    /// `whole disk`), as `inspect` prints them: the names `volume(_:)` takes.
    public var readableVolumes: [String] { image.volumes.filter { $0.fileSystem != nil }.map(\.volume.name) }

    /// The same image read on the file system of volume `name` (a name `inspect` prints), root or
    /// not, with paths inside that file system. Throws `.notFound` for a name no volume has and
    /// `.unsupported` (with the reason `inspect` gives) for a volume without a readable file system.
    public func volume(_ name: String) throws -> OpenedImage {
        guard let v = image.volumes.first(where: { $0.volume.name == name }) else {
            throw ImageError(
                "guest", .notFound,
                "no volume named \(name) (volumes: \(image.volumes.map(\.volume.name).joined(separator: ", ")))")
        }
        guard let fs = v.fileSystem else {
            throw ImageError(
                "guest", .unsupported, "\(name) holds no file system imagegate reads: \(v.reason ?? "unknown")")
        }
        return OpenedImage(image, volumeTree: GuestTree(root: fs, source: name))
    }

    private var tree: GuestTree { get throws { try volumeTree ?? image.tree } }

    /// `raw`, `qcow2`, `vhd-fixed`, `directory`, … as reported in JSON.
    public var format: String { image.format }
    public var virtualSize: UInt64? { image.virtualSize }
    /// Bytes and reads from the image files so far, all layers included (`--stats`).
    public var bytesRead: UInt64 { image.counter.bytes }
    public var reads: UInt64 { image.counter.reads }
    /// What an image behind a URL cost on the network so far; nil for a local image.
    public var transfer: TransferStats? { image.transfer?.stats }

    /// The names in a guest directory, sorted by their UTF-8 bytes (as `ls` in the C locale).
    /// Throws `.notFound` when absent, `.unsupported` when not a directory.
    public func names(inDirectory path: String) throws -> [String] {
        try tree.contents(ofDirectory: path).map(\.name).sorted(by: Self.byteOrder)
    }

    /// The entries of a guest directory with what `ls -l` shows of each (a final symlink not
    /// followed), sorted as `names(inDirectory:)`.
    public func entries(inDirectory path: String) throws -> [GuestEntry] {
        let tree = try self.tree
        let base = path.hasSuffix("/") ? path : path + "/"
        // One damaged entry costs its own line, not the listing: its error is kept with it.
        return try names(inDirectory: path).map { name in
            let p = base + name
            do {
                guard let a = try tree.attributes(p, followFinal: false) else {
                    return GuestEntry(name: name, details: nil)
                }
                let target = a.type == .symlink ? try tree.destination(ofSymbolicLink: p) : nil
                return GuestEntry(
                    name: name,
                    details: .init(
                        typeLetter: a.type.letter, permissions: a.permissions, size: a.size, linkTarget: target))
            } catch let e as ImageError {
                return GuestEntry(name: name, details: nil, problem: e)
            }
        }
    }

    /// Every byte of the regular file at guest path `path`, handed to `body` in order in pieces of
    /// at most `chunkSize` bytes. Throws `.notFound` when absent, `.unsupported` when not a
    /// regular file (after links), and what the layers below or `body` throw.
    public func read(_ path: String, chunkSize: Int = 4 << 20, _ body: ([UInt8]) throws -> Void) throws {
        try tree.read(path, chunkSize: chunkSize, body)
    }

    /// The layout and every inspector's facts (`imagegate inspect`); no facts without a guest root.
    public func inspect() -> Inspection {
        Inspection(layout: LayoutReport(image), facts: image.assembly.map { GuestInspector.inspect($0.tree) })
    }

    private static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// What `imagegate inspect` prints: where the guest was found and what is in it.
public struct Inspection: Sendable, Encodable {
    public var layout: LayoutReport
    /// Nil (absent in JSON) for an image with no guest root: `layout` still lists its volumes.
    public var facts: GuestFacts?
}
