import FileSystems
import Foundation
import Guest
import Synchronization
import TestSupport
import Testing

/// Every file an inspector reads must be covered by its declared interest: a stream-only source
/// (a tarball) keeps only the entries that match.
@Suite struct InterestCoverageTests {
    /// A file system that records the paths whose contents are read.
    final class RecordingFileSystem: FileSystem {
        let base: DirectoryFileSystem
        let read = Mutex<Set<String>>([])
        init(_ base: DirectoryFileSystem) { self.base = base }
        var typeName: String { base.typeName }
        func attributes(of path: FSPath) throws -> FileAttributes? { try base.attributes(of: path) }
        func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] { try base.contents(ofDirectory: path) }
        func destination(ofSymbolicLink path: FSPath) throws -> String { try base.destination(ofSymbolicLink: path) }
        func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
            read.withLock { _ = $0.insert(path.description) }
            return try base.contents(of: path, limit: limit)
        }
        func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
            read.withLock { _ = $0.insert(path.description) }
            return try base.read(path, at: offset, count: count)
        }
    }

    @Test(arguments: ["inspect-debian12", "inspect-ubuntu2404", "inspect-rhel9", "inspect-damaged"])
    func everyFileReadIsDeclared(tree name: String) throws {
        let fs = RecordingFileSystem(try DirectoryFileSystem(path: Trees.path(name)))
        _ = GuestInspector.inspect(GuestTree(root: fs))
        let read = fs.read.withLock { $0 }
        #expect(!read.isEmpty)
        let interest = GuestInspector.interest
        for path in read.sorted() {
            #expect(interest.matches(path), "\(name): \(path) is read but not declared")
        }
    }

    @Test func realDebianRootReadsOnlyDeclaredFiles() throws {
        let fs = RecordingFileSystem(try DirectoryFileSystem(path: try Fixtures.path("debian12-tree/rootfs")))
        _ = GuestInspector.inspect(GuestTree(root: fs))
        let read = fs.read.withLock { $0 }
        for path in read.sorted() {
            #expect(GuestInspector.interest.matches(path), "\(path) is read but not declared")
        }
        // A few small files, not the modules: the dpkg lists are the bulk.
        #expect(read.count < 400)
    }
}
