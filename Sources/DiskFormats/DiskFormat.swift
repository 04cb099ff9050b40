import BlockIO

/// What a format needs to open an image: where it lives (to resolve backing files and extents
/// beside it) and what it may open.
public struct OpenContext: Sendable {
    /// The image's own folder; files an image names are resolved against it.
    public var directory: String
    /// Allow backing files, parents and extents outside `directory` (`--allow-external-files`).
    public var allowExternalFiles: Bool
    /// Records bytes read from every host file opened for this image.
    public var counter: ReadCounter
    /// How many images deep we are in a backing chain (bounded by `maximumChainDepth`).
    public var depth: Int

    public static let maximumChainDepth = 16

    public init(directory: String, allowExternalFiles: Bool = false, counter: ReadCounter = ReadCounter(), depth: Int = 0) {
        self.directory = directory
        self.allowExternalFiles = allowExternalFiles
        self.counter = counter
        self.depth = depth
    }
}

/// A disk image decoded into its virtual disk.
public struct OpenedDisk: Sendable {
    /// The virtual disk, as a guest would see it.
    public var device: any BlockDevice
    /// Format and variant as reported in JSON (`raw`, `qcow2`, `vhd-fixed`, `vhd-dynamic`, …).
    public var format: String
    /// Files opened to decode it (the image, backing files, extents), in order.
    public var files: [String]
    /// Notes worth showing a user (dirty bits, a non-empty log, …).
    public var notes: [String]

    public init(device: any BlockDevice, format: String, files: [String], notes: [String] = []) {
        self.device = device
        self.format = format
        self.files = files
        self.notes = notes
    }

    public var virtualSize: UInt64 { device.size }
}

/// A container format, recognised by content (never by extension).
public protocol DiskFormat {
    /// Cheap, pure, never throws: does this head (first 64 KiB, or less for small files) and tail
    /// (last 64 KiB) look like this format?
    static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool
    /// Decodes the image. Once `matches` said yes, every problem is a real `ImageError`.
    static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk
}
