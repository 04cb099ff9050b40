import BlockIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// Which disk of a multi-disk package (OVA) to open, from 0 (the CLI's `--disk N` is N - 1).
    public var diskIndex: Int = 0
    /// Real paths of the images above this one in a backing or parent chain (for loop detection).
    public var chain: [String] = []
    /// Opens the image and every file it names (local files unless told otherwise).
    public var store: any FileStore = LocalFileStore()

    public static let maximumChainDepth = 16

    public init(
        directory: String, allowExternalFiles: Bool = false, counter: ReadCounter = ReadCounter(), depth: Int = 0
    ) {
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
    /// The length in bytes of the image file itself (the top of a chain), set by `DiskImage.open`.
    public var fileSize: UInt64?
    /// The footer of the top file, when it is a VHD (what `vhd-*` checks read).
    public var vhdFooter: VHDFooterFacts?

    public init(
        device: any BlockDevice, format: String, files: [String], notes: [String] = []
    ) {
        self.device = device
        self.format = format
        self.files = files
        self.notes = notes
    }

    public var virtualSize: UInt64 { device.size }
}

/// A container format, recognised by content (never by extension).
public protocol DiskFormat: Sendable {
    /// Cheap, pure, never throws: does this head (first 64 KiB, or less for small files) and tail
    /// (last 64 KiB) look like this format?
    static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool
    /// Decodes the image. Once `matches` said yes, every problem is a real `ImageError`.
    static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk
}

extension OpenContext {
    /// Resolves a file that an image names (qcow2 backing file, VHD/VHDX parent, VMDK extent)
    /// and enforces the policy: by default only files inside the image's own folder may be
    /// opened, so a hostile image cannot make imagegate read host files.
    ///
    /// - Parameters: `name` as stored in the image (relative to `directory`, or absolute);
    ///   `layer` and `offset` name where the reference was read, for errors.
    /// - Returns: the path to open. Throws `.unsupported` when the policy refuses it and
    ///   `.notFound` naming the file when it does not exist.
    public func resolveReferencedFile(_ name: String, layer: String, at offset: UInt64? = nil) throws -> String {
        guard !name.isEmpty, !name.contains("\0") else {
            throw ImageError(layer, .corrupt, "empty or invalid referenced file name", at: offset)
        }
        // A store that is not host files (HTTP) has its own rules.
        if let resolved = try store.resolveReferenced(
            name, in: directory, allowExternalFiles: allowExternalFiles, layer: layer, at: offset)
        {
            return resolved
        }
        let joined = name.hasPrefix("/") ? name : directory + "/" + name
        let normalized = Self.normalize(joined)
        let dir = Self.normalize(directory)
        let inside = normalized.hasPrefix(dir == "/" ? "/" : dir + "/")
        if !inside && !allowExternalFiles {
            throw ExternalFileRefusal.error(
                "refusing to open '\(name)' outside the image's folder \(directory)", layer: layer, at: offset)
        }
        var isLink = false
        if let real = Self.realPath(normalized) {
            isLink = real != normalized
            if isLink && !allowExternalFiles && !real.hasPrefix(Self.realPath(dir).map { $0 + "/" } ?? dir + "/") {
                throw ExternalFileRefusal.error(
                    "refusing to open '\(name)': it resolves to \(real), outside the image's folder", layer: layer,
                    at: offset)
            }
        } else {
            throw ImageError(
                layer, .notFound, "referenced file '\(name)' not found (looked for \(normalized))", at: offset)
        }
        return normalized
    }

    /// A context for a file the image names, one level deeper in the chain (bounded).
    public func child(directoryOf path: String, layer: String) throws -> OpenContext {
        guard depth + 1 < Self.maximumChainDepth else {
            throw ImageError(layer, .loop, "chain of backing or parent files deeper than \(Self.maximumChainDepth)")
        }
        var c = self
        c.directory =
            store.folder(of: path) ?? Self.normalize(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
        if c.directory.isEmpty { c.directory = "/" }
        c.depth = depth + 1
        return c
    }

    /// Folds `.`, `..` and repeated slashes lexically.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                _ = out.popLast()
                continue
            }
            out.append(c)
        }
        return "/" + out.joined(separator: "/")
    }

    /// `path` made absolute against the current directory and normalized.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        guard let cwd = getcwd(nil, 0) else { return normalize("/" + path) }
        defer { free(cwd) }
        return normalize(String(cString: cwd) + "/" + path)
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
