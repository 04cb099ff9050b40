// fuzz-modules: BlockIO Volumes
// libFuzzer harness: LVM2 metadata text from arbitrary bytes, through the whole LVM path: the
// config grammar tokenizer and parser, the VG model (PVs, LVs, segments) and, inside a PV built
// around it (label, PV header, metadata area with valid CRCs), the mapping of LVs onto extents.
// Everything must succeed or throw ImageError.
import BlockIO

@testable import Volumes

/// A 2 MiB PV whose metadata area (at 4 KiB, 64 KiB long) holds `text`, with every CRC valid.
private func physicalVolume(_ text: [UInt8]) -> [UInt8] {
    var d = [UInt8](repeating: 0, count: 2 << 20)
    let uuid = Array("PVzzzz0000000000000000000000000z".utf8)
    let body = Array(text.prefix(60 << 10))
    d.replaceSubrange(512..<520, with: Array("LABELONE".utf8))
    putLE(&d, 520, 1, 8)
    putLE(&d, 532, 32, 4)
    d.replaceSubrange(536..<544, with: Array("LVM2 001".utf8))
    d.replaceSubrange(544..<576, with: uuid)
    putLE(&d, 576, 2 << 20, 8)
    putLE(&d, 584, 1 << 20, 8)
    putLE(&d, 616, 4096, 8)
    putLE(&d, 624, 64 << 10, 8)
    putLE(&d, 528, UInt64(CRC32.lvm(d[532..<1024])), 4)
    d.replaceSubrange(4096 + 512..<4096 + 512 + body.count, with: body)
    d.replaceSubrange(4100..<4116, with: Array(" LVM2 x[5A%r0N*>".utf8))
    putLE(&d, 4116, 1, 4)
    putLE(&d, 4120, 4096, 8)
    putLE(&d, 4128, 64 << 10, 8)
    putLE(&d, 4136, 512, 8)
    putLE(&d, 4144, UInt64(max(body.count, 1)), 8)
    putLE(&d, 4152, UInt64(CRC32.lvm(d[4608..<4608 + max(body.count, 1)])), 4)
    putLE(&d, 4096, UInt64(CRC32.lvm(d[4100..<4608])), 4)
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
