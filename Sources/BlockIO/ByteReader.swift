/// A bounds-checked cursor over bytes that already came from a device.
///
/// Every read names its width and byte order; every error carries `layer` and the device offset
/// of the failing byte (`base + position`).
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public let layer: String
    /// Device offset of `bytes[0]`.
    public let base: UInt64
    public private(set) var position: Int = 0

    public init(_ bytes: [UInt8], layer: String, base: UInt64 = 0) {
        self.bytes = bytes
        self.layer = layer
        self.base = base
    }

    public var remaining: Int { bytes.count - position }
    public var offset: UInt64 { base + UInt64(position) }
    public var isAtEnd: Bool { position >= bytes.count }

    private mutating func need(_ n: Int) throws(ImageError) {
        guard n >= 0, n <= remaining else {
            throw ImageError(layer, .truncated, "need \(n) bytes, \(remaining) left", at: offset)
        }
    }

    public mutating func u8() throws(ImageError) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func le<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(ImageError) -> T {
        let n = MemoryLayout<T>.size
        try need(n)
        var v: T = 0
        for i in 0..<n { v |= T(bytes[position + i]) << (8 * i) }
        position += n
        return v
    }

    private mutating func be<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(ImageError) -> T {
        let n = MemoryLayout<T>.size
        try need(n)
        var v: T = 0
        for i in 0..<n { v = (v << 8) | T(bytes[position + i]) }
        position += n
        return v
    }

    public mutating func u16le() throws(ImageError) -> UInt16 { try le(UInt16.self) }
    public mutating func u32le() throws(ImageError) -> UInt32 { try le(UInt32.self) }
    public mutating func u64le() throws(ImageError) -> UInt64 { try le(UInt64.self) }
    public mutating func u16be() throws(ImageError) -> UInt16 { try be(UInt16.self) }
    public mutating func u32be() throws(ImageError) -> UInt32 { try be(UInt32.self) }
    public mutating func u64be() throws(ImageError) -> UInt64 { try be(UInt64.self) }

    public mutating func bytes(_ n: Int) throws(ImageError) -> [UInt8] {
        try need(n)
        defer { position += n }
        return Array(bytes[position..<position + n])
    }

    public mutating func skip(_ n: Int) throws(ImageError) {
        try need(n)
        position += n
    }

    public mutating func expect(_ magic: [UInt8], _ what: String) throws(ImageError) {
        let at = offset
        let got = try bytes(magic.count)
        guard got == magic else { throw ImageError(layer, .badMagic, "bad \(what) magic", at: at) }
    }

    public mutating func seek(to position: Int) throws(ImageError) {
        guard position >= 0, position <= bytes.count else {
            throw ImageError(layer, .truncated, "seek to \(position) past \(bytes.count) bytes", at: base)
        }
        self.position = position
    }

    /// A reader over `n` bytes from here, advancing this one past them.
    public mutating func sub(_ n: Int) throws(ImageError) -> ByteReader {
        let at = offset
        return ByteReader(try bytes(n), layer: layer, base: at)
    }

    /// Reads little-endian integers at absolute positions without moving the cursor.
    public func u16le(at p: Int) throws(ImageError) -> UInt16 {
        var r = self
        try r.seek(to: p)
        return try r.u16le()
    }
    public func u32le(at p: Int) throws(ImageError) -> UInt32 {
        var r = self
        try r.seek(to: p)
        return try r.u32le()
    }
    public func u64le(at p: Int) throws(ImageError) -> UInt64 {
        var r = self
        try r.seek(to: p)
        return try r.u64le()
    }
    public func u32be(at p: Int) throws(ImageError) -> UInt32 {
        var r = self
        try r.seek(to: p)
        return try r.u32be()
    }
    public func u64be(at p: Int) throws(ImageError) -> UInt64 {
        var r = self
        try r.seek(to: p)
        return try r.u64be()
    }
}
