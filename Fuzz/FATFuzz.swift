// fuzz-modules: BlockIO Codecs FileSystems
// libFuzzer harness for the FAT12/16/32 reader: boot sector / BPB, FAT chains (12-bit packed
// entries), the fixed root directory, subdirectories, long names and their checksums.
//
// The first input byte picks the target: even, the rest of the input is a whole image; odd, a
// small valid FAT12 template with the rest of the input applied as (offset hi, offset lo, byte)
// patches. Errors are expected; only a crash, a hang or an unbounded allocation is a finding.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(FileSystems)
    @testable import FileSystems
#endif

private func shortEntry(_ b: inout [UInt8], _ at: Int, name: String, attributes: UInt8, cluster: UInt16, size: UInt32) {
    let padded = Array(name.utf8) + [UInt8](repeating: 0x20, count: 11 - name.utf8.count)
    b.replaceSubrange(at..<at + 11, with: padded)
    b[at + 0x0B] = attributes
    b[at + 0x0C] = 0x18  // lower-case base and extension
    putLE(&b, at + 0x18, 0x5771, 2)  // a date
    putLE(&b, at + 0x1A, UInt64(cluster), 2)
    putLE(&b, at + 0x1C, UInt64(size), 4)
}

/// 64 sectors of 512 bytes, one sector per cluster: boot sector, two one-sector FATs, a 16-entry
/// root (label, a long-named file of clusters 2-3, a directory at cluster 4), data from sector 4.
private func template() -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 64 * 512)
    b[0] = 0xEB
    b[1] = 0x3C
    b[2] = 0x90
    b.replaceSubrange(3..<11, with: Array("mkfs.fat".utf8))
    putLE(&b, 0x0B, 512, 2)
    b[0x0D] = 1
    putLE(&b, 0x0E, 1, 2)
    b[0x10] = 2
    putLE(&b, 0x11, 16, 2)
    putLE(&b, 0x13, 64, 2)
    b[0x15] = 0xF8
    putLE(&b, 0x16, 1, 2)
    b[0x26] = 0x29
    putLE(&b, 0x27, 0x1234_ABCD, 4)
    b.replaceSubrange(0x2B..<0x36, with: Array("FUZZ       ".utf8))
    b[510] = 0x55
    b[511] = 0xAA
    // FAT12 (both copies): media, end, 2 -> 3 -> end, 4 -> end.
    for fat in [512, 1024] {
        let entries: [UInt16] = [0xFF8, 0xFFF, 3, 0xFFF, 0xFFF]
        for (n, v) in entries.enumerated() {
            let at = fat + n * 3 / 2
            let old = UInt16(b[at]) | UInt16(b[at + 1]) << 8
            let word = n & 1 == 0 ? (old & 0xF000) | v : (old & 0x000F) | v << 4
            putLE(&b, at, UInt64(word), 2)
        }
    }
    let root = 3 * 512
    shortEntry(&b, root, name: "FUZZ", attributes: 0x08, cluster: 0, size: 0)
    // Long name "Long File.txt" for "LONGFI~1TXT".
    let short = Array("LONGFI~1TXT".utf8)
    var sum: UInt8 = 0
    for c in short { sum = (sum & 1 != 0 ? 0x80 : 0) &+ (sum >> 1) &+ c }
    let long = Array("Long File.txt".utf16) + [0]
    var units = long + [UInt16](repeating: 0xFFFF, count: max(0, 13 - long.count))
    units = Array(units.prefix(13))
    let lfn = root + 32
    b[lfn] = 0x41
    b[lfn + 0x0B] = 0x0F
    b[lfn + 0x0D] = sum
    for (i, offset) in [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30].enumerated() {
        putLE(&b, lfn + offset, UInt64(units[i]), 2)
    }
    b.replaceSubrange(root + 64..<root + 75, with: short)
    b[root + 64 + 0x0B] = 0x20
    putLE(&b, root + 64 + 0x1A, 2, 2)
    putLE(&b, root + 64 + 0x1C, 700, 4)
    shortEntry(&b, root + 96, name: "SUB", attributes: 0x10, cluster: 4, size: 0)
    for i in 0..<700 { b[4 * 512 + i] = UInt8(truncatingIfNeeded: i * 7) }
    let sub = (4 + 2) * 512
    shortEntry(&b, sub, name: ".", attributes: 0x10, cluster: 4, size: 0)
    shortEntry(&b, sub + 32, name: "..", attributes: 0x10, cluster: 0, size: 0)
    shortEntry(&b, sub + 64, name: "INNERTXT", attributes: 0x21, cluster: 3, size: 100)
    return b
}

private let image = template()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    fuzzBlockFileSystem(FATFileSystem.self, input, template: image, minimumSize: 512, readAt: 600, count: 200)
    return 0
}
