// fuzz-modules: BlockIO Codecs DiskFormats
// libFuzzer harness for the VMDK reader: the hosted sparse header (and stream-optimized footer),
// grain directory and tables, compressed grains, the embedded descriptor, and — when the input
// is text — the descriptor file parser with its extent lines.
import BlockIO
import DiskFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Extents and parents are looked up in a folder that does not exist, so nothing is opened.
    let context = OpenContext(directory: "/nonexistent-imagegate-fuzz")
    let device = MemoryDevice(bytes)
    let head = Array(bytes.prefix(64 << 10))
    // Both paths: the sniffed one, and the opener forced on text (the descriptor parser).
    _ = VMDKFormat.matches(head: head, tail: [], size: UInt64(bytes.count))
    guard let disk = try? VMDKFormat.open(device, path: "/nonexistent-imagegate-fuzz/x.vmdk", context: context)
    else { return 0 }
    readSectors(spreadOver: disk.device)
    return 0
}
