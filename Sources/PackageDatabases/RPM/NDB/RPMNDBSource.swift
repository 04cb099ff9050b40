import BlockIO

/// rpm's ndb backend (`/usr/lib/sysimage/rpm/Packages.db`): one blob per package slot, in
/// package number order.
public struct RPMNDBSource: RPMHeaderSource {
    public var kind: String { "rpm-ndb" }
    public let packages: NDBPackages

    /// - Throws: `ImageError` (layer `ndb`) when the header or a slot is bad.
    public init(device: any BlockDevice) throws {
        packages = try NDBPackages(device: device, maximumBlobLength: RPMHeader.maximumBlobSize)
    }

    public func forEachHeaderBlob(_ body: (RPMHeaderBlob) throws -> Void) throws {
        for slot in packages.slots.sorted(by: { $0.packageIndex < $1.packageIndex }) {
            let (bytes, offset) = try packages.blob(slot)
            try body(RPMHeaderBlob(key: slot.packageIndex, bytes: bytes, offset: offset))
        }
    }
}
