import FileSystems
import Testing

@Suite struct DirectoryEntryTypeTests {
    /// ext4, XFS and btrfs number directory entry types the same way; the inode decides for 0.
    @Test func linuxDirectoryEntryTypes() {
        let expected: [FileType] = [.regular, .directory, .characterDevice, .blockDevice, .fifo, .socket, .symlink]
        #expect((1...7).map { FileType(directoryEntryType: UInt8($0)) } == expected)
        #expect(FileType(directoryEntryType: 0) == nil)
        #expect(FileType(directoryEntryType: 8) == nil)
        #expect(FileType(directoryEntryType: 0xFF) == nil)
    }
}
