// fuzz-modules: BlockIO Codecs FileSystems PackageDatabases
// The Berkeley DB hash reader (metadata, bucket chains, items, overflow chains) as rpm's
// Packages backend, then each header blob it yields.
import BlockIO
import PackageDatabases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let device = MemoryDevice(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let source = try? RPMBerkeleyDBSource(device: device) else { return 0 }
    _ = try? source.forEachHeaderBlob { blob in _ = try? blob.header().filePaths() }
    return 0
}
