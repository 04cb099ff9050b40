import Foundation
import TestSupport
import Testing

/// Compressed streams made by the real tools at test time (python3's zlib module, the zstd CLI;
/// both installed by `scripts/install-deps.sh`): the decoders are checked against what the
/// writers of qcow2, VMDK and btrfs data produce, not against our own encoder.
enum ReferenceTools {
    /// Runs a python3 program that reads `input` on stdin and writes bytes to stdout.
    static func python(_ program: String, _ input: [UInt8]) throws -> [UInt8] {
        let out = try Tools.run(["python3", "-c", program], input: Data(input))
        try #require(out.status == 0, "python3 failed (run scripts/install-deps.sh): \(out.stderr)")
        return [UInt8](out.data)
    }

    /// A zlib stream (RFC 1950) at level 9, as VMDK and btrfs store it.
    static func zlib(_ input: [UInt8]) throws -> [UInt8] {
        try python("import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 9))", input)
    }

    /// Raw deflate with a 4 KiB window, as qemu writes a qcow2 cluster (`deflateInit2(…, -12, …)`).
    static func rawDeflate4K(_ input: [UInt8]) throws -> [UInt8] {
        try python(
            "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -12); "
                + "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())", input)
    }

    /// One zstd frame from the zstd CLI reading stdin (so the frame has no content size, and its
    /// window is the level's: 2 MiB at the default level 3, 8 MiB at 19, which `Zstd` refuses).
    static func zstd(_ input: [UInt8], _ options: [String] = ["-3"]) throws -> [UInt8] {
        let out = try Tools.run(["zstd", "-q", "-c"] + options, input: Data(input))
        try #require(out.status == 0, "zstd failed (run scripts/install-deps.sh): \(out.stderr)")
        return [UInt8](out.data)
    }

    /// Text-like bytes that compress well but not to nothing.
    static func sample(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
        var x = seed
        let words = ["root", "x:0:0", "/bin/bash", "cloud-init", "waagent", "\n", " ", "UUID="].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(count + 16)
        while out.count < count {
            x = x &* 1_103_515_245 &+ 12345
            out += words[Int(x >> 16) % words.count]
            if x & 0x100 != 0 { out.append(UInt8(truncatingIfNeeded: x >> 24)) }
        }
        return Array(out.prefix(count))
    }
}
