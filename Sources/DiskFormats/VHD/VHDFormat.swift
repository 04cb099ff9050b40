import BlockIO
public enum VHDFormat: DiskFormat {
    public static func matches(head: [UInt8], tail: [UInt8], size: UInt64) -> Bool { false }
    public static func open(_ file: any BlockDevice, path: String, context: OpenContext) throws -> OpenedDisk {
        throw ImageError("vhd", .unsupported, "todo")
    }
}
