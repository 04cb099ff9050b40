import BlockIO

extension ArchiveStream {
    static let maximumSegments = 64

    /// Splits an initramfs image into its concatenated archives, as the kernel's
    /// `unpack_to_rootfs` walks it (Documentation/driver-api/early-userspace/buffer-format.rst):
    /// zero padding is skipped; an uncompressed newc/crc cpio ("070701"/"070702") runs to the end
    /// of its `TRAILER!!!` entry; anything else (a compressed archive) takes the rest.
    static func initramfsSegments(_ bytes: [UInt8]) throws -> [Range<Int>] {
        var out: [Range<Int>] = []
        var offset = 0
        while offset < bytes.count {
            while offset < bytes.count, bytes[offset] == 0 { offset += 1 }
            guard offset < bytes.count else { break }
            guard out.count < maximumSegments else {
                throw ImageError(
                    layer, .limitExceeded, "more than \(maximumSegments) concatenated archives", at: UInt64(offset))
            }
            let magic = bytes.count - offset >= 6 ? String(decoding: bytes[offset..<offset + 6], as: UTF8.self) : ""
            guard magic == "070701" || magic == "070702" else {
                out.append(offset..<bytes.count)
                break
            }
            let end = try newcEnd(bytes, from: offset)
            out.append(offset..<end)
            offset = end
        }
        return out
    }

    /// The end of the newc cpio archive starting at `start` (after its `TRAILER!!!` entry).
    static func newcEnd(_ bytes: [UInt8], from start: Int) throws -> Int {
        var at = start
        func hex(_ field: Int) throws -> Int {
            let s = String(decoding: bytes[(at + 6 + 8 * field)..<(at + 14 + 8 * field)], as: UTF8.self)
            guard let v = Int(s, radix: 16) else {
                throw ImageError(
                    layer, .corrupt, "cpio header field '\(s)' is not hexadecimal", at: UInt64(at + 6 + 8 * field))
            }
            return v
        }
        func align4(_ x: Int) -> Int { (x + 3) & ~3 }
        // Each entry is at least 112 bytes, so the walk ends within bytes.count / 112 steps.
        while true {
            guard at + 110 <= bytes.count else {
                throw ImageError(layer, .truncated, "cpio archive ends without TRAILER!!!", at: UInt64(at))
            }
            let magic = String(decoding: bytes[at..<at + 6], as: UTF8.self)
            guard magic == "070701" || magic == "070702" else {
                throw ImageError(layer, .badMagic, "bad cpio header magic", at: UInt64(at))
            }
            let fileSize = try hex(6)  // c_filesize
            let nameSize = try hex(11)  // c_namesize (with the NUL)
            let nameStart = at + 110
            guard nameSize >= 1, nameSize <= 4096, nameStart + nameSize <= bytes.count else {
                throw ImageError(layer, .truncated, "cpio name of \(nameSize) bytes", at: UInt64(at + 94))
            }
            let name = String(decoding: bytes[nameStart..<(nameStart + nameSize - 1)], as: UTF8.self)
            let dataStart = align4(nameStart + nameSize)
            let (dataEnd, overflow) = dataStart.addingReportingOverflow(fileSize)
            guard !overflow, dataEnd <= bytes.count else {
                throw ImageError(
                    layer, .truncated, "cpio entry '\(name)' of \(fileSize) bytes runs past the end",
                    at: UInt64(at + 54))
            }
            at = align4(dataEnd)
            if name == "TRAILER!!!" { return min(at, bytes.count) }
        }
    }
}
