// fuzz-modules: BlockIO Codecs FileSystems
// libFuzzer harness for the XFS reader: the superblock, inodes (with their extent records and
// shortform directories), directory data blocks, and a whole open + bounded walk of an image.
//
// The first input byte picks the target. Checksums, magics and self-describing v5 header fields
// are fixed up before parsing so the fuzzer reaches the structures behind them. Any outcome but a
// crash, a hang or an unbounded allocation is fine: errors are expected.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(FileSystems)
    @testable import FileSystems
#endif

/// The fuzz bytes at `start`, zeros elsewhere, on a device of `size` bytes.
private struct OverlayDevice: BlockDevice {
    let bytes: [UInt8]
    let start: UInt64
    let size: UInt64
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        try checkRange(offset, UInt64(buffer.count), layer: "fuzz")
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        for i in 0..<buffer.count {
            let at = offset + UInt64(i)
            if at >= start, at - start < UInt64(bytes.count) { buffer[i] = bytes[Int(at - start)] }
        }
    }
}

private func putCRC(_ b: inout [UInt8], _ at: Int) {
    let c = XFSChecksum.checksum(b, skipping: at)
    for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: c >> (8 * i)) }
}

private let uuid: [UInt8] = Array(1...16)

/// A valid v5 superblock: 4 KiB blocks, 4 AGs of 1024 blocks, 512-byte inodes, root inode 128.
private let superblockBytes: [UInt8] = {
    var b = [UInt8](repeating: 0, count: 512)
    b[0..<4] = [0x58, 0x46, 0x53, 0x42]
    putBE(&b, 0x04, 4096, 4)
    putBE(&b, 0x08, 4096, 8)
    b[0x20..<0x30] = uuid[...]
    putBE(&b, 0x38, 128, 8)
    putBE(&b, 0x54, 1024, 4)
    putBE(&b, 0x58, 4, 4)
    b[0x64] = 0xB4
    b[0x65] = 0xA5
    b[0x66] = 0x02
    b[0x67] = 0x00
    b[0x68] = 0x02
    b[0x69] = 0x00
    b[0x6A] = 0x00
    b[0x6B] = 0x08
    b[0x78] = 12
    b[0x7A] = 9
    b[0x7B] = 3
    b[0x7C] = 10
    putBE(&b, 0xD8, 0x29, 4)  // ftype, bigtime, nrext64
    putCRC(&b, 0xE0)
    return b
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let input = FuzzInput(data, size) else { return 0 }
    let body = input.body
    let deviceSize: UInt64 = 16 << 20
    switch input.selector % 4 {
    case 0:
        // The superblock alone, checksum fixed up.
        var b = padded(body, to: 512)
        putCRC(&b, 0xE0)
        _ = try? XFSSuperblock(b)
    case 1:
        // An inode of the valid file system: parse it, its extents or bmbt root, its directory, its data.
        var inode = padded(body, to: 512)
        inode[0] = 0x49
        inode[1] = 0x4E
        inode[4] = 3
        putBE(&inode, 0x98, 128, 8)
        inode[0xA0..<0xB0] = uuid[...]
        putCRC(&inode, 0x64)
        // Inode 128 lives in block 16 of AG 0.
        let device = OverlayDevice(
            bytes: superblockBytes + [UInt8](repeating: 0, count: 16 * 4096 - 512) + inode, start: 0, size: deviceSize)
        guard let fs = try? XFSFileSystem(device: device) else { return 0 }
        _ = try? fs.contents(ofDirectory: .root)
        _ = try? fs.read(.root, at: 0, count: 1 << 16)
        if let node = try? fs.inode(128) {
            _ = try? fs.extents(of: node)
            _ = try? fs.read(node, at: 0, count: 1 << 16)
            if node.type == .symlink { _ = try? fs.symlinkTarget(node) }
        }
    case 2:
        // A directory data block of inode 128 at block 32.
        guard let fs = try? XFSFileSystem(device: OverlayDevice(bytes: superblockBytes, start: 0, size: deviceSize))
        else {
            return 0
        }
        var block = padded(body, to: 4096)
        block[0..<4] = body.count % 2 == 1 ? [0x58, 0x44, 0x42, 0x33] : [0x58, 0x44, 0x44, 0x33]
        putBE(&block, 0x08, 32 * 8, 8)
        block[0x18..<0x28] = uuid[...]
        putBE(&block, 0x28, 128, 8)
        putCRC(&block, 0x04)
        let root = try? fs.inode(128)
        if let root {
            var dir = XFSDirectory()
            try? fs.parseDirectoryBlock(block, offset: 32 * 4096, index: 0, inode: root, into: &dir)
        }
    default:
        // A whole image: the input from byte 0 (superblock checksum fixed up), zeros after; walk it.
        var image = Array(body.prefix(1 << 20))
        if image.count >= 512 {
            var sb = Array(image[0..<512])
            putCRC(&sb, 0xE0)
            image[0..<512] = sb[...]
        }
        guard let fs = try? XFSFileSystem(device: OverlayDevice(bytes: image, start: 0, size: deviceSize)) else {
            return 0
        }
        var stack: [FSPath] = [.root]
        var visited = 0
        while let dir = stack.popLast(), visited < 200 {
            guard let entries = try? fs.contents(ofDirectory: dir) else { continue }
            for e in entries.prefix(50) {
                visited += 1
                guard let p = try? dir.appending(e.name) else { continue }
                switch e.type {
                case .directory: stack.append(p)
                case .symlink: _ = try? fs.destination(ofSymbolicLink: p)
                default: _ = try? fs.contents(of: p, limit: 1 << 16)
                }
            }
        }
    }
    return 0
}
