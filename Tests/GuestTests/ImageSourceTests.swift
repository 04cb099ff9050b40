import BlockIO
import Guest
import Synchronization
import TestSupport
import Testing

/// A store that counts, below every layer, each byte any layer reads from the files it opened.
final class MeteredStore: FileStore {
    let bytes = Mutex(UInt64(0))
    let names = Mutex([String]())

    struct Metered: BlockDevice {
        let base: any BlockDevice
        let store: MeteredStore
        var size: UInt64 { base.size }
        func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
            try base.read(into: buffer, at: offset)
            store.bytes.withLock { $0 += UInt64(buffer.count) }
        }
    }

    func open(_ name: String) throws -> any BlockDevice {
        names.withLock { $0.append(name) }
        return Metered(base: try FileDevice(path: name), store: self)
    }
}

/// `GuestImage.open` hands every source one counted device of the image file, so `--stats`
/// (`GuestImage.counter`) holds every byte read, libarchive's probe and the sniffs included.
@Suite struct ImageSourceTests {
    @Test(arguments: ["debian12-disk/disk.raw", "debian12-disk/disk.qcow2", "tar-debian12/rootfs.tar.gz"])
    func everyByteReadFromTheFilesIsCounted(file: String) throws {
        let store = MeteredStore()
        var options = OpenOptions()
        options.fileStore = store
        let image = try GuestImage.open(try Fixtures.path(file), options: options)
        _ = GuestInspector.inspect(try image.tree)
        let read = store.bytes.withLock { $0 }
        #expect(read > 0)
        #expect(image.counter.bytes == read)
        // The image file is opened once, for every source.
        #expect(store.names.withLock { $0 }.count == 1)
    }

    @Test func theArchiveProbeOfADiskImageIsCounted() throws {
        let path = try Fixtures.path("debian12-disk/disk.raw")
        let image = try GuestImage.open(path)
        let file = try FileDevice(path: path)
        // libarchive's recognition read pulls 16 KiB from offset 0, before the 64 KiB head and
        // 4 KiB tail sniff: all of it is counted now.
        #expect(image.counter.bytes >= min(file.size, 16 << 10) + (64 << 10) + (4 << 10))
    }
}
