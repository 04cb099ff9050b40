// fuzz-modules: BlockIO Codecs
// libFuzzer harness for the capped decoders of Codecs (inflate, raw and zlib-wrapped, and zstd)
// under every output rule their callers use: exactly one qcow2 cluster, a VMDK grain (cut-off
// streams corrupt), a btrfs extent (cut-off streams zero-filled).
//
// The first input byte picks the decoder and the cap (256 bytes ... 64 KiB, so a small input can
// overflow it); the rest is the compressed data. Errors are expected. A crash, a hang, an
// allocation past the cap, or a broken rule is a finding: every result is exactly the cap long,
// and a stream that decodes under the strictest rule decodes to the same bytes under the others.

#if canImport(BlockIO)
    import BlockIO
#endif
#if canImport(Codecs)
    import Codecs
#endif

private func decode(_ input: [UInt8], zstd: Bool, zlib: Bool, _ output: OutputLimit) -> [UInt8]? {
    let result: [UInt8]?
    if zstd {
        result = try? Zstd.decode(input, output: output, what: "fuzz", layer: "fuzz", offset: 0)
    } else {
        result = try? Inflate.decode(
            input, wrapper: zlib ? .zlib : .raw(windowBits: 12), output: output, what: "fuzz", layer: "fuzz",
            offset: 0)
    }
    if let result, result.count != output.count {
        fatalError("a \(output.count)-byte limit gave \(result.count) bytes")
    }
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let zstd = selector & 1 != 0
    let zlib = selector & 2 != 0
    let cap = 256 << Int((selector >> 2) % 9)  // 256 ... 64 KiB
    let exact = decode(input, zstd: zstd, zlib: zlib, .exactly(cap, named: "the cap"))
    let strict = decode(input, zstd: zstd, zlib: zlib, .zeroFilled(upTo: cap, named: "the cap", cutOff: .corrupt))
    let lenient = decode(input, zstd: zstd, zlib: zlib, .zeroFilled(upTo: cap, named: "the cap", cutOff: .accepted))
    if let strict, strict != lenient {
        fatalError("a stream that ends decodes differently when cut-off streams are accepted")
    }
    if let exact, exact != lenient {
        fatalError("an exact-size stream decodes differently under the zero-filled rule")
    }
    // A stream that fits a cap fits twice the cap, with the same bytes first.
    if let lenient,
        let wider = decode(
            input, zstd: zstd, zlib: zlib, .zeroFilled(upTo: 2 * cap, named: "the cap", cutOff: .accepted))
    {
        if Array(wider.prefix(cap)) != lenient || wider.dropFirst(cap).contains(where: { $0 != 0 }) {
            fatalError("a wider cap changed the output")
        }
    } else if lenient != nil {
        fatalError("a stream that fits \(cap) bytes does not fit \(2 * cap)")
    }
    return 0
}
