import FileSystems
import Foundation
import Guest
import Testing

/// A kernel's owner is looked up in the database's file lists after its packages were read: file
/// lists that cannot be read make the database the image's error (`readError`), as damaged
/// packages do, while a symlink loop in the guest outside the database does not.
@Suite struct KernelOwnerLookupTests {
    static let release = "5.14.0-427.el9.x86_64"

    static func write(_ root: String, _ path: String, _ bytes: [UInt8]) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    /// A RHEL 9.4 guest with one kernel's modules folder.
    static func guest() throws -> String {
        let root = try Trees.scratch()
        try write(root, "/etc/os-release", Array("ID=rhel\nVERSION_ID=9.4\n".utf8))
        try FileManager.default.createDirectory(
            atPath: root + "/lib/modules/\(release)/kernel", withIntermediateDirectories: true)
        return root
    }

    @Test func rpmFileListsThatCannotBeDecodedAreTheDatabasesError() throws {
        let root = try Self.guest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The header decodes (name, version), but its third file's DIRINDEXES entry points past
        // the two DIRNAMES: only the file list is damaged.
        var header = RPMHeaderBuilder.package("kernel-core", version: "5.14.0")
        header.items = header.items.filter { $0.tag != 1116 }
        header.int32(1116, [0, 0, 5])
        var ndb = NDBBuilder()
        ndb.blobs = [(1, header.build())]
        try Self.write(root, "/var/lib/rpm/Packages.db", ndb.build())
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(facts.packageDatabase.isReadable)
        #expect(facts.packages.map(\.name) == ["kernel-core"])
        let error = try #require(facts.packageDatabase.readError)
        #expect(error.layer == "rpm-header")
        #expect(error.message.contains("DIRINDEXES entry 5 for 2 DIRNAMES"), "\(error.message)")
        #expect(facts.kernels.first?.ownershipKnown == false)
    }

    @Test func symlinkLoopBesideAKernelIsNoDatabaseError() throws {
        let root = try Self.guest()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let status = "Package: kernel-core\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.14.0-427\n"
        try Self.write(root, "/var/lib/dpkg/status", Array(status.utf8))
        // The first path the owner lookup asks about resolves to itself.
        try FileManager.default.createSymbolicLink(
            atPath: root + "/lib/modules/\(Self.release)/modules.builtin", withDestinationPath: "modules.builtin")
        let facts = GuestInspector.inspect(GuestTree(root: try DirectoryFileSystem(path: root)))
        #expect(facts.packageDatabase.readError == nil, "\(facts.packageDatabase.readError?.message ?? "")")
        #expect(facts.kernels.first?.ownershipKnown == true)
    }
}
