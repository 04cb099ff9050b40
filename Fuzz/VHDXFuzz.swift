// fuzz-modules: BlockIO Codecs DiskFormats
// libFuzzer harness for the VHDX reader: headers, region table, metadata, parent locator, BAT
// and block reads of an arbitrary file. Anything but an ImageError is a bug.
import BlockIO
import DiskFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Differencing disks look for parents here: a folder that does not exist.
    let context = OpenContext(directory: "/nonexistent-imagegate-fuzz")
    guard
        let disk = try? VHDXFormat.open(
            MemoryDevice(bytes), path: "/nonexistent-imagegate-fuzz/x.vhdx", context: context)
    else { return 0 }
    readSectors(spreadOver: disk.device)
    return 0
}
