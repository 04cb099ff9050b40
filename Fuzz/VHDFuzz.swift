// fuzz-modules: BlockIO Codecs DiskFormats
// libFuzzer harness for the VHD reader: footer (and its copy at offset 0), dynamic header, parent
// locators, BAT and sector bitmaps.
//
// The first input byte picks the target: 0 the input is a whole image file; 1 and 2 a valid
// template (dynamic, differencing) with the rest of the input applied as (offset, byte) patches
// and both checksums recomputed, so the fuzzer gets past them. Errors are expected; only a crash,
// a hang or an unbounded allocation is a finding. Parents resolve in a folder that does not exist.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(DiskFormats)
    @testable import DiskFormats
#endif

private func fixChecksum(_ b: inout [UInt8], start: Int, length: Int, field: Int) {
    guard start >= 0, start + length <= b.count else { return }
    let sum = VHDFooter.checksum(Array(b[start..<start + length]), skipping: field)
    putBE(&b, start + field, UInt64(sum), 4)
}

/// A 64 KiB disk of 4 KiB blocks: footer copy, dynamic header, BAT of 16 entries, a locator, two
/// blocks (one full, one with a partial bitmap), the footer.
private func template(differencing: Bool) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 512 + 1024 + 512 + 512 + 2 * (512 + 4096) + 512)
    var footer = [UInt8](repeating: 0, count: 512)
    footer.replaceSubrange(0..<8, with: Array("conectix".utf8))
    putBE(&footer, 8, 2, 4)
    putBE(&footer, 12, 0x0001_0000, 4)
    putBE(&footer, 16, 512, 8)
    putBE(&footer, 48, 64 << 10, 8)
    putBE(&footer, 60, differencing ? 4 : 3, 4)
    let h = 512
    b.replaceSubrange(h..<h + 8, with: Array("cxsparse".utf8))
    putBE(&b, h + 8, UInt64.max, 8)
    putBE(&b, h + 16, 1536, 8)
    putBE(&b, h + 24, 0x0001_0000, 4)
    putBE(&b, h + 28, 16, 4)
    putBE(&b, h + 32, 4096, 4)
    let name = Array("parent.vhd".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    if differencing {
        b.replaceSubrange(h + 0x240..<h + 0x244, with: Array("W2ru".utf8))
        putBE(&b, h + 0x244, 1, 4)
        putBE(&b, h + 0x248, UInt64(name.count), 4)
        putBE(&b, h + 0x250, 2048, 8)
        b.replaceSubrange(2048..<2048 + name.count, with: name)
    }
    for i in 0..<16 { putBE(&b, 1536 + 4 * i, 0xFFFF_FFFF, 4) }
    putBE(&b, 1536, 5, 4)  // block 0 at sector 5
    putBE(&b, 1536 + 12, 14, 4)  // block 3 at sector 14
    for i in 0..<512 { b[2560 + i] = 0xFF }
    b[14 * 512] = 0xA5
    for i in 0..<4096 { b[3072 + i] = UInt8(truncatingIfNeeded: i) }
    fixChecksum(&footer, start: 0, length: 512, field: 64)
    b.replaceSubrange(0..<512, with: footer)
    b.replaceSubrange(b.count - 512..<b.count, with: footer)
    fixChecksum(&b, start: h, length: 1024, field: 36)
    return b
}

private let templates = [template(differencing: false), template(differencing: true)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    let context = OpenContext(directory: "/nonexistent-imagegate-fuzz")
    var image = input.body
    if input.selector % 3 != 0 {
        image = patched(templates[Int(input.selector % 3) - 1], with: input.body)
        fixChecksum(&image, start: 0, length: 512, field: 64)
        fixChecksum(&image, start: image.count - 512, length: 512, field: 64)
        fixChecksum(&image, start: 512, length: 1024, field: 36)
    }
    if let disk = try? VHDFormat.open(MemoryDevice(image), path: context.directory + "/x.vhd", context: context) {
        exercise(disk.device, offsets: [12288 + 7])
    }
    return 0
}
