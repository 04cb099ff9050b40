import BlockIO

/// A striped LVM2 segment: `stripeBytes`-sized chunks dealt round-robin over the stripes'
/// areas (device-mapper's `striped` target): chunk `c` lives on stripe `c % n`, at chunk
/// `c / n` of that stripe's area.
struct LVM2StripedDevice: BlockDevice {
    let stripes: [any BlockDevice]
    let stripeBytes: UInt64
    let size: UInt64

    /// - Parameters: `stripes` equal-sized areas (one per PV); `stripeBytes` > 0.
    init(stripes: [any BlockDevice], stripeBytes: UInt64) throws {
        guard let first = stripes.first, stripeBytes > 0, stripes.allSatisfy({ $0.size == first.size }) else {
            throw ImageError("lvm2", .corrupt, "striped segment with unequal areas or a zero stripe size")
        }
        self.stripes = stripes
        self.stripeBytes = stripeBytes
        self.size = try Checked.mul(first.size, UInt64(stripes.count), "lvm2")
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "lvm2")
        let n = UInt64(stripes.count)
        try buffer.forEachChunk(at: offset, chunkBytes: stripeBytes, layer: "lvm2") { chunk, within, piece in
            try stripes[Int(chunk % n)].read(into: piece, at: (chunk / n) * stripeBytes + within)
        }
    }
}
