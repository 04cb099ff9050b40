import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// What every file system must do alike on the same tree (STYLE §5): ext4, XFS, btrfs and FAT
/// fixture images, and the common tree they are made from as a folder and as a tarball.
@Suite struct FileSystemContractTests {
    /// Names, types, permissions, sizes, link targets and the bytes of every file equal the
    /// reference listing (for FAT, whose permissions are the mount's umask, all but permissions).
    @Test(arguments: FileSystemUnderTest.all)
    func listingMatchesTheReference(_ fileSystem: FileSystemUnderTest) throws {
        try fileSystem.withFileSystem { fs, reference throws in
            let reference = try reference()
            #expect(reference.entries.count > fileSystem.minimumEntries)
            let differences = try reference.differences(from: fs, ignorePermissions: !fileSystem.storesPermissions)
            #expect(differences == [], "\(differences.prefix(10))")
        }
    }

    /// Type, UUID and label equal what `blkid -p` printed of the image (XFS: sb_uuid even when
    /// meta_uuid is in use), and the probe table picks the same reader.
    @Test(arguments: FileSystemUnderTest.images)
    func identityMatchesBlkid(_ fileSystem: FileSystemUnderTest) throws {
        let files = try #require(fileSystem.files)
        let (reader, blkidType) = try #require(fileSystem.reader)
        let blkid = try BlkidExport.read(files.blkid)
        #expect(blkid["TYPE"] == blkidType)
        let device = try FileDevice(path: Fixtures.path(files.image))
        // Bound first: the #expect macro cannot call a static member through an existential.
        let matchesImage = reader.matches(device)
        let matchesZeros = reader.matches(MemoryDevice([UInt8](repeating: 0, count: 4096)))
        #expect(matchesImage)
        #expect(!matchesZeros)
        let fs = try reader.init(device: device)
        #expect(
            fs.identity == FileSystemIdentity(type: blkid["TYPE"] ?? "?", uuid: blkid["UUID"], label: blkid["LABEL"]))
        #expect(fs.typeName == blkid["TYPE"])
        let probed = try #require(try FileSystemProbe.open(device))
        #expect(probed.typeName == fs.typeName)
        #expect(probed.identity == fs.identity)
    }

    /// Known files read byte for byte as make-common-tree.py wrote them, within the limit asked
    /// and not past their end.
    @Test(arguments: FileSystemUnderTest.commonTree)
    func knownFilesReadAsWritten(_ fileSystem: FileSystemUnderTest) throws {
        try fileSystem.withFileSystem { fs, _ throws in
            #expect(try fs.contents(of: FSPath("/etc/hostname"), limit: 100) == Array("common\n".utf8))
            #expect(
                try fs.contents(of: FSPath("/etc/os-release"), limit: 4096)
                    == Array("PRETTY_NAME=\"Test Linux 1\"\nID=testlinux\nVERSION_ID=\"1\"\n".utf8))
            #expect(try fs.contents(of: FSPath("/files/size-4097"), limit: 10).count == 10)
            #expect(try fs.read(FSPath("/files/size-60"), at: 1000, count: 10) == [])
        }
    }

    /// Absence is nil from `attributes(of:)` and `.notFound` from the rest; a file is not a
    /// directory, nor a directory a file, nor a file a symlink (`.unsupported` from the images; the
    /// folder passes on the host's errno and the tarball says `.corrupt`, so for them only that
    /// they refuse); lookups never follow a symlink.
    @Test(arguments: FileSystemUnderTest.commonTree)
    func absenceAndWrongTypesAreReportedPlainly(_ fileSystem: FileSystemUnderTest) throws {
        try fileSystem.withFileSystem { fs, _ throws in
            #expect(try fs.attributes(of: FSPath("/no/such/file")) == nil)
            #expect(try fs.attributes(of: FSPath("/etc/hostname/below")) == nil)
            #expect(kind { _ = try fs.contents(of: FSPath("/no/such/file"), limit: 10) } == .notFound)
            #expect(kind { _ = try fs.read(FSPath("/no/such/file"), at: 0, count: 1) } == .notFound)
            #expect(kind { _ = try fs.contents(ofDirectory: FSPath("/no/such/dir")) } == .notFound)
            let wrongType = fileSystem.files == nil ? nil : ImageError.Kind.unsupported
            let fileAsDirectory = kind { _ = try fs.contents(ofDirectory: FSPath("/etc/hostname")) }
            #expect(fileAsDirectory != nil)
            if let wrongType { #expect(fileAsDirectory == wrongType) }
            #expect(kind { _ = try fs.contents(of: FSPath("/etc"), limit: 10) } == .unsupported)
            guard fileSystem.hasSymlinks else { return }
            let fileAsSymlink = kind { _ = try fs.destination(ofSymbolicLink: FSPath("/etc/hostname")) }
            #expect(fileAsSymlink != nil)
            if let wrongType { #expect(fileAsSymlink == wrongType) }
            #expect(try fs.attributes(of: FSPath("/links/short"))?.type == .symlink)
            #expect(try fs.attributes(of: FSPath("/links/short/x")) == nil)
            #expect(try fs.destination(ofSymbolicLink: FSPath("/links/absolute")) == "/etc/os-release")
        }
    }

    /// The kind of `ImageError` `body` throws; nil when it returns, `.io(errno: -1)` for another error.
    func kind(_ body: () throws -> Void) -> ImageError.Kind? {
        do {
            try body()
            return nil
        } catch let e as ImageError {
            return e.kind
        } catch {
            return .io(errno: -1)
        }
    }
}
