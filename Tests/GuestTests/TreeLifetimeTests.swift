import FileSystems
import Guest
import Testing

/// A pile's worker checks image after image in one process: whatever an inspection keeps alive
/// after it returned stays for the rest of the pile (the package database once held its tree in
/// a cycle: 3.5 MiB and two open files per image, docs/piles.md).
@Suite struct TreeLifetimeTests {
    /// Inspects a tree with a dpkg database (ordered pass alone, or beside the scratch runs of
    /// `readWidth` 2) and says whether its file system outlived it.
    static func outlives(readWidth: Int) throws -> Bool {
        weak var kept: DirectoryFileSystem?
        do {
            let fs = try DirectoryFileSystem(path: Trees.path("inspect-debian12"))
            kept = fs
            let tree = GuestTree(
                mounts: [GuestMount(mountPoint: .root, fileSystem: fs, source: "root")], readWidth: readWidth)
            let facts = GuestInspector.inspect(tree)
            #expect(facts.packageDatabase.kind == "dpkg")
            #expect(facts.packageDatabase.unreadable == nil)
        }
        return kept != nil
    }

    @Test func anInspectedTreeIsFreedWithItsFileSystems() throws {
        #expect(try !Self.outlives(readWidth: 1))
        #expect(try !Self.outlives(readWidth: 2))
    }
}
