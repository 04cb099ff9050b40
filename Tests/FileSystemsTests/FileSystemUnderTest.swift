import BlockIO
import FileSystems
import Foundation
import TestSupport
import Testing

/// One file system the contract suite runs on: a fixture image, with what the real tools said
/// of it when it was built (the listing of a read-only loop mount or of the source tree, and
/// `blkid -p -o export`), or the common tree itself as a folder or a tarball.
struct FileSystemUnderTest: Sendable, CustomTestStringConvertible {
    enum Kind: String, Sendable {
        case ext4, xfs, btrfs, fat, directory, archive
    }

    var kind: Kind
    var variant: String

    /// The file system and its fixture ("ext4 ext4-common/ext4-1k.img", "archive common tree").
    var testDescription: String { "\(kind) \(files?.image ?? variant)" }

    /// Every fixture image: ext2/3/4, XFS v4 and v5, btrfs (the default subvolume) and FAT12/16/32.
    static let images: [Self] =
        Ext4FileSystemTests.variants.map { Self(kind: .ext4, variant: $0) }
        + XFSFixture.variants.map { Self(kind: .xfs, variant: $0) }
        + (BtrfsFileSystemTests.variants + ["mixed"]).map { Self(kind: .btrfs, variant: $0) }
        + FATFileSystemTests.variants.map { Self(kind: .fat, variant: $0) }

    /// The images, and the common tree read as a folder and as a tarball.
    static let all: [Self] =
        images + [Self(kind: .directory, variant: "common tree"), Self(kind: .archive, variant: "common tree")]

    /// Those holding the common tree of images/tools/make-common-tree.py (ext4's deep.img does not).
    static let commonTree = all.filter { !($0.kind == .ext4 && $0.variant == "deep") }

    /// The image, its reference listing and its `blkid -p -o export`, relative to the fixtures
    /// folder; nil for the folder and the tarball.
    var files: (image: String, listing: String, blkid: String)? {
        switch kind {
        case .ext4, .xfs, .fat:
            let stem = "\(kind.rawValue)-common/\(variant)"
            return (stem + ".img", stem + ".listing", stem + ".blkid")
        case .btrfs:
            let folder = "btrfs-subvols/\(variant)"
            return (folder + "/btrfs.img", folder + "/listing-default.tsv", folder + "/blkid.txt")
        case .directory, .archive:
            return nil
        }
    }

    /// Our reader of the image, and the TYPE blkid must have printed (ext2 and ext3 are variants of
    /// the ext4 reader).
    var reader: (type: any BlockFileSystem.Type, blkidType: String)? {
        switch kind {
        case .ext4: (Ext4FileSystem.self, variant == "ext2" || variant == "ext3" ? variant : "ext4")
        case .xfs: (XFSFileSystem.self, "xfs")
        case .btrfs: (BtrfsFileSystem.self, "btrfs")
        case .fat: (FATFileSystem.self, "vfat")
        case .directory, .archive: nil
        }
    }

    /// Fewer entries than this and the reference listing cannot be the tree the test means.
    var minimumEntries: Int {
        switch kind {
        case .ext4: variant == "deep" ? 2 : 3000
        case .fat: 40
        case .xfs, .btrfs, .directory, .archive: 3000
        }
    }

    /// FAT stores no permissions (Linux shows the mount's umask).
    var storesPermissions: Bool { kind != .fat }

    /// FAT has no symlinks.
    var hasSymlinks: Bool { kind != .fat }

    /// Runs `body` with the file system opened and a reader of its reference listing (for the folder
    /// and the tarball, what listing.py prints of the common tree they are made of).
    func withFileSystem<T>(_ body: (any FileSystem, _ reference: () throws -> TreeListing) throws -> T) throws -> T {
        if let files, let reader {
            let fs = try reader.type.init(device: FileDevice(path: Fixtures.path(files.image)))
            return try body(fs, { try TreeListing(file: Fixtures.path(files.listing)) })
        }
        return try CommonTree.with(tarball: kind == .archive) { folder, tarball in
            let fs: any FileSystem =
                if let tarball { try ArchiveFileSystem(path: tarball, interest: .everything) } else {
                    try DirectoryFileSystem(path: folder)
                }
            return try body(fs, { try CommonTree.listing(of: folder) })
        }
    }
}

/// The common tree every fixture image is made from, written afresh by images/tools/make-common-tree.py
/// (seeded: the same bytes each time) into a temporary folder, and removed after use.
enum CommonTree {
    /// Runs `body` with the folder and, when asked, a GNU tarball of it beside it.
    static func with<T>(tarball: Bool, _ body: (_ folder: String, _ tarball: String?) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("common-\(UUID())").path
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: folder + ".tar")
        }
        try run(["python3", Fixtures.packageRoot + "/images/tools/make-common-tree.py", folder])
        guard tarball else { return try body(folder, nil) }
        try run(["tar", "--sort=name", "--format=gnu", "-C", folder, "-cf", folder + ".tar", "."])
        return try body(folder, folder + ".tar")
    }

    /// What images/tools/listing.py prints of `folder`: the reference the fixture scripts record.
    static func listing(of folder: String) throws -> TreeListing {
        let out = try run(["python3", Fixtures.packageRoot + "/images/tools/listing.py", folder])
        let file = try Tools.temporaryFile(Data(out.utf8), suffix: ".tsv")
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try TreeListing(file: file)
    }

    @discardableResult
    static func run(_ argv: [String]) throws -> String {
        let r = try Tools.run(argv)
        try #require(r.status == 0, "\(argv.joined(separator: " ")): \(r.stderr)")
        return r.stdout
    }
}
