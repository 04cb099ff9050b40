// fuzz-modules: BlockIO Volumes
// libFuzzer harness: LVM2 metadata text from arbitrary bytes, through the whole LVM path: the
// config grammar tokenizer and parser, the VG model (PVs, LVs, segments) and, inside a PV built
// around it (label, PV header, metadata area with valid CRCs), the mapping of LVs onto extents.
// Everything must succeed or throw ImageError.
import BlockIO

@testable import Volumes

/// A 2 MiB PV whose metadata area (at 4 KiB, 64 KiB long) holds `text`, with every CRC valid.
private func physicalVolume(_ text: [UInt8]) -> [UInt8] {
    func put(_ d: inout [UInt8], _ v: UInt64, _ width: Int, at o: Int) {
        for i in 0..<width { d[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }
    var d = [UInt8](repeating: 0, count: 2 << 20)
    let uuid = Array("PVzzzz0000000000000000000000000z".utf8)
    let body = Array(text.prefix(60 << 10))
    d.replaceSubrange(512..<520, with: Array("LABELONE".utf8))
    put(&d, 1, 8, at: 520)
    put(&d, 32, 4, at: 532)
    d.replaceSubrange(536..<544, with: Array("LVM2 001".utf8))
    d.replaceSubrange(544..<576, with: uuid)
    put(&d, 2 << 20, 8, at: 576)
    put(&d, 1 << 20, 8, at: 584)
    put(&d, 4096, 8, at: 616)
    put(&d, 64 << 10, 8, at: 624)
    put(&d, UInt64(CRC32.lvm(d[532..<1024])), 4, at: 528)
    d.replaceSubrange(4096 + 512..<4096 + 512 + body.count, with: body)
    d.replaceSubrange(4100..<4116, with: Array(" LVM2 x[5A%r0N*>".utf8))
    put(&d, 1, 4, at: 4116)
    put(&d, 4096, 8, at: 4120)
    put(&d, 64 << 10, 8, at: 4128)
    put(&d, 512, 8, at: 4136)
    put(&d, UInt64(max(body.count, 1)), 8, at: 4144)
    put(&d, UInt64(CRC32.lvm(d[4608..<4608 + max(body.count, 1)])), 4, at: 4152)
    put(&d, UInt64(CRC32.lvm(d[4100..<4608])), 4, at: 4096)
    return d
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        _ = try LVM2ConfigParser.parse(text)
        _ = try LVM2Metadata(text: text)
    } catch {
        _ = error.kind  // typed throws: always an ImageError
    }
    do {
        let pv = MemoryDevice(physicalVolume(text))
        if let label = try LVM2Label.find(in: pv) {
            let found = LVM2VolumeGroup.FoundPV(label: label, device: pv, volumeName: "fuzz", disk: 0)
            for v in try LVM2VolumeGroup.assemble([found]).volumes where v.device.size > 0 {
                _ = try v.device.read(at: v.device.size - 1, count: 1)
            }
        }
    } catch is ImageError {
    } catch {
        fatalError("non-ImageError thrown: \(error)")
    }
    return 0
}
