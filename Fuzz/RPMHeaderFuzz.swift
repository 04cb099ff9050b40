// fuzz-modules: BlockIO Codecs FileSystems PackageDatabases
// The rpm header blob parser and every typed accessor on arbitrary bytes.
import BlockIO
import PackageDatabases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Malformed input must end as an ImageError; only a crash or a hang is a finding.
    guard let header = try? RPMHeader(blob: bytes) else { return 0 }
    for entry in header.entries {
        _ = try? header.string(entry.tag)
        _ = try? header.strings(entry.tag)
        _ = try? header.integers(entry.tag)
        _ = try? header.int8s(entry.tag)
        _ = try? header.int16s(entry.tag)
        _ = try? header.int32s(entry.tag)
        _ = try? header.int64s(entry.tag)
        _ = try? header.binary(entry.tag)
    }
    _ = try? header.filePaths()
    return 0
}
