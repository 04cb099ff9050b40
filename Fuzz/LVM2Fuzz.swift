// fuzz-modules: BlockIO Volumes
// libFuzzer harness: LVM2 metadata text (the config grammar tokenizer and parser, then the VG
// model: PVs, LVs, segments) from arbitrary bytes must parse or throw ImageError.
import BlockIO
import Volumes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        _ = try LVM2ConfigParser.parse(text)
        _ = try LVM2Metadata(text: text)
    } catch is ImageError {
    } catch {
        fatalError("non-ImageError thrown: \(error)")
    }
    return 0
}
