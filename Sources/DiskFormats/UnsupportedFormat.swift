import BlockIO

/// Disk image formats imagegate does not decode, recognised by their signature so that such a
/// file is refused by name (layer `format`) instead of being read as a raw disk that holds "no
/// recognised file system". The signatures are the ones qemu's block drivers probe for
/// (`block/vdi.c`, `qed.h`, `parallels.c`, `bochs.c`, `cloop.c`, `dmg.c`).
enum UnsupportedFormat {
    struct Signature {
        let name: String
        /// Offset from the start of the file, or from the start of its last 512 bytes when
        /// `inTail` (a trailer).
        let offset: Int
        let bytes: [UInt8]
        var inTail = false
    }

    static let signatures: [Signature] = [
        Signature(name: "VDI (VirtualBox)", offset: 0x40, bytes: [0x7F, 0x10, 0xDA, 0xBE]),  // u32le 0xbeda107f
        Signature(name: "QED", offset: 0, bytes: Array("QED\0".utf8)),
        Signature(name: "Parallels", offset: 0, bytes: Array("WithoutFreeSpace".utf8)),
        Signature(name: "Parallels", offset: 0, bytes: Array("WithouFreSpacExt".utf8)),
        Signature(name: "Bochs", offset: 0, bytes: Array("Bochs Virtual HD Image".utf8)),
        Signature(name: "cloop", offset: 0, bytes: Array("#!/bin/sh\n#V2.0 Format\n".utf8)),
        Signature(name: "DMG (Apple disk image)", offset: 0, bytes: Array("koly".utf8), inTail: true),
    ]

    /// The signature `head` (the file's first bytes) or `tail` (its last 512 bytes) carries, if any.
    static func match(head: [UInt8], tail: [UInt8]) -> Signature? {
        signatures.first { s in
            let window = s.inTail ? (tail.count == 512 ? tail : []) : head
            guard s.offset <= window.count, s.bytes.count <= window.count - s.offset else { return false }
            return window[s.offset..<s.offset + s.bytes.count].elementsEqual(s.bytes)
        }
    }

    /// Throws `.unsupported` (layer `format`, at the signature's offset) when `file` is one of
    /// these formats; returns when it is not.
    static func refuse(_ file: any BlockDevice) throws {
        let head = try file.read(at: 0, count: Int(min(512, file.size)), layer: "sniff")
        let tailCount = Int(min(512, file.size))
        let tail = try file.read(at: file.size - UInt64(tailCount), count: tailCount, layer: "sniff")
        guard let s = match(head: head, tail: tail) else { return }
        let offset = s.inTail ? file.size - 512 + UInt64(s.offset) : UInt64(s.offset)
        throw ImageError(
            "format", .unsupported,
            "\(s.name) image: imagegate does not read this format; convert it first (qemu-img convert -O qcow2)",
            at: offset)
    }
}
