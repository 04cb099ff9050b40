import Guest

extension ImageGate {
    /// Opens `path` (an image, a rootfs tarball or a folder) down to its guest tree, for looking
    /// around in it: `imagegate ls`, `cat` and `inspect`. Nothing is inspected yet.
    ///
    /// Throws `ImageError` when the image cannot be read or has no readable root.
    public static func openImage(_ path: String, options: OpenOptions = OpenOptions()) throws -> OpenedImage {
        OpenedImage(try GuestImage.open(path, options: options))
    }
}

/// An image opened down to its guest tree. Every path is a guest path, resolved as the checks
/// resolve it (`GuestTree`): symlinks followed inside the guest, merged `/usr` and every mount of
/// the guest's `/etc/fstab` included. Reads are lazy; `bytesRead` grows as they happen.
public struct OpenedImage: Sendable {
    private let image: GuestImage

    init(_ image: GuestImage) { self.image = image }

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
        try image.tree.contents(ofDirectory: path).map(\.name).sorted(by: Self.byteOrder)
    }

    /// The entries of a guest directory with what `ls -l` shows of each (a final symlink not
    /// followed), sorted as `names(inDirectory:)`.
    public func entries(inDirectory path: String) throws -> [GuestEntry] {
        let tree = image.tree
        let base = path.hasSuffix("/") ? path : path + "/"
        return try names(inDirectory: path).map { name in
            let p = base + name
            guard let a = try tree.attributes(p, followFinal: false) else {
                return GuestEntry(name: name, details: nil)
            }
            let target = a.type == .symlink ? try tree.destination(ofSymbolicLink: p) : nil
            return GuestEntry(
                name: name,
                details: .init(typeLetter: a.type.letter, permissions: a.permissions, size: a.size, linkTarget: target))
        }
    }

    /// Every byte of the regular file at guest path `path`, handed to `body` in order in pieces of
    /// at most `chunkSize` bytes. Throws `.notFound` when absent, `.unsupported` when not a
    /// regular file (after links), and what the layers below or `body` throw.
    public func read(_ path: String, chunkSize: Int = 4 << 20, _ body: ([UInt8]) throws -> Void) throws {
        try image.tree.read(path, chunkSize: chunkSize, body)
    }

    /// The layout and every inspector's facts (`imagegate inspect`).
    public func inspect() -> Inspection {
        Inspection(layout: LayoutReport(image), facts: GuestInspector.inspect(image.tree))
    }

    private static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// What `imagegate inspect` prints: where the guest was found and what is in it.
public struct Inspection: Sendable, Encodable {
    public var layout: LayoutReport
    public var facts: GuestFacts
}
