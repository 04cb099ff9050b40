// fuzz-modules: BlockIO Volumes
// libFuzzer harness: a GPT disk (headers, entry arrays, backup fallback) from arbitrary bytes must
// parse or throw ImageError. The input is laid over a 64 KiB zero disk so both header copies are reachable.
import BlockIO
import Volumes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count < 64 << 10 {
        // Put the second half of short inputs at the end, where the backup header lives.
        let half = bytes.count / 2
        let tail = Array(bytes[half...])
        bytes = Array(bytes[..<half]) + [UInt8](repeating: 0, count: (64 << 10) - bytes.count) + tail
    }
    do {
        _ = try GPTPartitionTable(device: MemoryDevice(bytes))
    } catch is ImageError {
    } catch {
        fatalError("non-ImageError thrown: \(error)")
    }
    return 0
}
