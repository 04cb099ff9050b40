import Testing

@testable import DiskFormats

/// Whether a cache goes in front of a disk is said by the opened disk, not guessed from its name.
@Suite struct DiskNeedsCacheTests {
    @Test(arguments: [
        ("debian12-disk/disk.raw", "raw", false), ("debian12-disk/disk-fixed.vhd", "vhd-fixed", false),
        ("debian12-disk/disk-dynamic.vhd", "vhd-dynamic", true), ("debian12-disk/disk.qcow2", "qcow2", true),
    ])
    func plainFileReadsNeedNoCache(_ fixture: String, _ format: String, _ needsCache: Bool) throws {
        let (disk, _) = try ReferenceDisk.openFixture(fixture)
        #expect(disk.format == format)
        #expect(disk.needsCache == needsCache)
    }
}
