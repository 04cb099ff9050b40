import BlockIO

/// rpm's Berkeley DB backend (`/var/lib/rpm/Packages`, RHEL ≤ 8, CentOS 7/8, SUSE ≤ 15 SP2): a
/// hash database whose keys are package numbers (4 bytes, the writer's byte order) and whose
/// values are header blobs. Record 0 holds rpm's next package number and is skipped.
public struct RPMBerkeleyDBSource: RPMHeaderSource {
    public var kind: String { "rpm-bdb" }
    public let database: BerkeleyDBHash

    /// - Throws: `ImageError` (layer `bdb`) when the metadata page is not a usable hash database.
    public init(device: any BlockDevice) throws {
        database = try BerkeleyDBHash(device: device, maximumValueLength: RPMHeader.maximumBlobSize)
    }

    public func forEachHeaderBlob(_ body: (RPMHeaderBlob) throws -> Void) throws {
        let le = database.metadata.littleEndian
        try database.forEachRecord { key, value, offset in
            guard key.count == 4 else {
                throw ImageError(BerkeleyDBHash.layer, .corrupt, "Packages key of \(key.count) bytes", at: offset)
            }
            let k =
                le
                ? UInt32(key[0]) | UInt32(key[1]) << 8 | UInt32(key[2]) << 16 | UInt32(key[3]) << 24
                : UInt32(key[0]) << 24 | UInt32(key[1]) << 16 | UInt32(key[2]) << 8 | UInt32(key[3])
            if k == 0 { return }
            try body(RPMHeaderBlob(key: k, bytes: value, offset: offset ?? 0))
        }
    }
}
