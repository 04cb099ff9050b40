import BlockIO
import Testing
import Volumes

@Suite struct VolumeScannerTests {
    @Test func blankDiskIsOneWholeDiskVolume() throws {
        let scan = try VolumeScanner.scan([MemoryDevice([UInt8](repeating: 0, count: 1 << 20))])
        #expect(scan.volumes.count == 1)
        #expect(scan.volumes.first?.origin == .wholeDisk)
    }
}
