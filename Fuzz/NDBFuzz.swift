// fuzz-modules: BlockIO Codecs FileSystems PackageDatabases
// The ndb Packages.db reader (header, slot pages, blob head/tail/Adler-32), then each header
// blob it yields.
import BlockIO
import PackageDatabases

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let device = MemoryDevice(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let source = try? RPMNDBSource(device: device) else { return 0 }
    _ = try? source.forEachHeaderBlob { blob in _ = try? blob.header().filePaths() }
    return 0
}
