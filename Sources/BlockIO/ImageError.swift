/// The one error for unreadable or malformed input, thrown by every layer.
///
/// `description` is exactly what the CLI prints after `imagegate: error: ` and what the JSON
/// `error` object carries: `"<layer>: <detail> at byte <offset>"` (without the offset part when
/// the problem has no location, such as a missing file).
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, coarse enough for tests to match on.
    public enum Kind: Equatable, Sendable {
        case truncated
        case badMagic
        case unsupported
        case corrupt
        case limitExceeded
        case loop
        case notFound
        case io(errno: Int32)
    }

    /// The format or structure being read ("qcow2", "gpt", "ext4", "lvm2"…).
    public var layer: String
    public var kind: Kind
    public var detail: String
    /// Byte offset on the device of `layer` where the problem was found, when there is one.
    public var offset: UInt64?

    public init(_ layer: String, _ kind: Kind, _ detail: String, at offset: UInt64? = nil) {
        self.layer = layer
        self.kind = kind
        self.detail = detail
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(layer): \(detail) at byte \(offset)" }
        return "\(layer): \(detail)"
    }
}
