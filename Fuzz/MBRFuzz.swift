// fuzz-modules: BlockIO Volumes
// libFuzzer harness: an MBR disk (sector 0 plus EBRs) from arbitrary bytes must parse or throw
// ImageError, never crash, hang or allocate without bound.
import BlockIO
import Volumes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let disk = MemoryDevice(Array(UnsafeBufferPointer(start: data, count: size)))
    do {
        let head = try disk.read(at: 0, count: min(size, 512))
        if MBRPartitionTable.matches(head) || size >= 512 {
            _ = try MBRPartitionTable(device: disk)
        }
    } catch is ImageError {
    } catch {
        fatalError("non-ImageError thrown: \(error)")
    }
    return 0
}
