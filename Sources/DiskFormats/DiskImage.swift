import BlockIO

/// Opens a disk image file of any supported format by sniffing its content.
public enum DiskImage {
    /// Ordered: the first format whose `matches` is true opens the file; raw is the fallback.
    static let formats: [any DiskFormat.Type] = [
        VHDXFormat.self, VMDKFormat.self, OVAFormat.self,
    ]

    static let sniffWindow = 64 << 10

    /// The name of the format that would open this file, or "raw".
    public static func sniff(_ file: any BlockDevice) throws -> (any DiskFormat.Type)? {
        let headCount = Int(min(UInt64(sniffWindow), file.size))
        let head = try file.read(at: 0, count: headCount, layer: "sniff")
        let tail = try file.read(at: file.size - UInt64(headCount), count: headCount, layer: "sniff")
        return formats.first { $0.matches(head: head, tail: tail, size: file.size) }
    }

    /// Opens `path` read-only and decodes it; unknown content is a raw disk.
    public static func open(path: String, context: OpenContext) throws -> OpenedDisk {
        let path = path.hasPrefix("/") ? path : OpenContext.absolute(path)
        let file = CountingDevice(try FileDevice(path: path), counter: context.counter)
        if let format = try sniff(file) {
            return try format.open(file, path: path, context: context)
        }
        return OpenedDisk(device: file, format: "raw", files: [path])
    }
}
