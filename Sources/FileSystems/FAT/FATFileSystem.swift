import BlockIO
import Synchronization

// FAT12/16/32, after Microsoft's "FAT32 File System Specification" 1.03 (2000).
//
//   sector 0                 BPB_RsvdSecCnt        + BPB_NumFATs × FATSz           (FAT12/16 only)
//   ┌──────────────────────┬─────────────────────┬──────────────────────────┬────────────────┬───────────┐
//   │ boot sector + BPB    │ reserved (FSInfo,   │ FAT #0, FAT #1 …         │ root directory │ data      │
//   │ 0x55AA at 510        │ backup boot, FAT32) │ 12/16/28-bit entries     │ RootEntCnt×32  │ clusters  │
//   └──────────────────────┴─────────────────────┴──────────────────────────┴────────────────┴───────────┘
//   cluster n (n ≥ 2) is at data + (n − 2) × cluster size; FAT[n] is the next cluster of the chain
//   (≥ 0x…FF8 ends it). FAT12/16 keep the root in its fixed region; FAT32 in a chain from BPB_RootClus.
//   Directories are 32-byte records: 8.3 entries with the NT case byte, long-name entries before them.

/// A FAT12, FAT16 or FAT32 file system (an EFI system partition), read-only and lazy.
///
/// Permissions are synthesised as Linux vfat shows them with `umask=022`-style masks chosen for
/// readability: directories `0755`, files `0644`; the read-only attribute clears the write bits
/// (`0555` / `0444`). Owner and group are 0. Names are looked up case-insensitively (Linux vfat's
/// default), by long name or 8.3 alias; listings give the long name, else the 8.3 name with the
/// NT lower-case bits applied. Times are the DOS write time taken as UTC.
public final class FATFileSystem: BlockFileSystem {
    static let layer = "fat"
    /// A directory never has more entries than this (the spec's 65536 records).
    static let maxDirectoryEntries = 65536
    static let maxPathDepth = 4096

    let device: any BlockDevice
    let boot: FATBootSector
    let cache = Mutex(FATCache())

    /// `vfat`, as libblkid and fstab name it.
    public var typeName: String { "vfat" }

    /// `vfat`, the volume serial as Linux prints it (`XXXX-XXXX`), and the label (the root
    /// directory's label entry, else the boot sector's; `NO NAME` means none), as blkid reports.
    public var identity: FileSystemIdentity {
        let id = boot.volumeID
        let hex = { (v: UInt32) in
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        var label: String?
        let rootLabel = try? rootDirectory().volumeLabel  // the label is optional: an unreadable root has none
        for candidate in [rootLabel ?? nil, boot.label] {
            guard let raw = candidate else { continue }
            let trimmed = Array(raw.reversed().drop { $0 == 0x20 || $0 == 0 }.reversed())
            if trimmed.isEmpty || trimmed == Array("NO NAME".utf8) { continue }
            label = FATCodePage.decode(trimmed)
            break
        }
        return FileSystemIdentity(type: "vfat", uuid: hex(id >> 16) + "-" + hex(id & 0xFFFF), label: label)
    }

    /// True when sector 0 holds a plausible FAT boot sector.
    public static func matches(_ device: any BlockDevice) -> Bool {
        guard device.size >= 512 else { return false }
        // Absence is the meaning here: an unreadable head is "not FAT".
        guard let head = try? device.read(at: 0, count: 512) else { return false }
        return FATBootSector.looksValid(head)
    }

    public init(device: any BlockDevice) throws {
        self.device = device
        var r = try device.reader(at: 0, count: 512, layer: Self.layer)
        guard FATBootSector.looksValid(r.bytes) else {
            throw ImageError(Self.layer, .badMagic, "no FAT boot sector", at: 0)
        }
        boot = try FATBootSector(&r)
        let (end, overflow) = boot.totalSectors.multipliedReportingOverflow(by: UInt64(boot.bytesPerSector))
        guard !overflow, end <= device.size else {
            throw ImageError(
                Self.layer, .truncated,
                "volume of \(boot.totalSectors) sectors is larger than the device (\(device.size) bytes)",
                at: 0x13)
        }
    }

    // MARK: FileSystem

    public func attributes(of path: FSPath) throws -> FileAttributes? {
        if path.isRoot {
            return FileAttributes(type: .directory, permissions: 0o755, size: 0, linkCount: 1, inode: 1)
        }
        guard let e = try lookup(path) else { return nil }
        var permissions: UInt16 = e.isDirectory ? 0o755 : 0o644
        if e.readOnly { permissions &= ~0o222 }
        return FileAttributes(
            type: e.isDirectory ? .directory : .regular, permissions: permissions,
            size: e.isDirectory ? 0 : UInt64(e.size), modificationTime: e.modificationTime, linkCount: 1,
            inode: e.offset / 32 + 2)
    }

    public func contents(ofDirectory path: FSPath) throws -> [DirectoryEntry] {
        let dir: FATDirectory
        if path.isRoot {
            dir = try rootDirectory()
        } else {
            let e = try existing(path)
            guard e.isDirectory else { throw ImageError(Self.layer, .unsupported, "\(path) is not a directory") }
            dir = try directory(e)
        }
        return dir.entries.map { DirectoryEntry(name: $0.name, type: $0.isDirectory ? .directory : .regular) }
    }

    public func contents(of path: FSPath, limit: Int) throws -> [UInt8] {
        let e = try existingFile(path)
        return try readFile(e, at: 0, count: Int(min(UInt64(max(0, limit)), UInt64(e.size))))
    }

    public func read(_ path: FSPath, at offset: UInt64, count: Int) throws -> [UInt8] {
        try readFile(try existingFile(path), at: offset, count: max(0, count))
    }

    /// FAT has no symbolic links: always throws `.unsupported`.
    public func destination(ofSymbolicLink path: FSPath) throws -> String {
        throw ImageError(Self.layer, .unsupported, "\(path) is not a symbolic link (FAT has none)")
    }

    // MARK: Lookup

    private func existing(_ path: FSPath) throws -> FATDirectoryEntry {
        guard let e = try lookup(path) else { throw ImageError(Self.layer, .notFound, "no such file: \(path)") }
        return e
    }

    private func existingFile(_ path: FSPath) throws -> FATDirectoryEntry {
        let e = try existing(path)
        guard !e.isDirectory else { throw ImageError(Self.layer, .unsupported, "\(path) is not a regular file") }
        return e
    }

    /// The entry of `path` (not the root), nil when a component is missing or not a directory.
    func lookup(_ path: FSPath) throws -> FATDirectoryEntry? {
        guard path.components.count <= Self.maxPathDepth else {
            throw ImageError(Self.layer, .limitExceeded, "path of \(path.components.count) components")
        }
        var dir = try rootDirectory()
        var found: FATDirectoryEntry?
        for (i, name) in path.components.enumerated() {
            guard let e = dir.entry(named: name) else { return nil }
            found = e
            if i + 1 < path.components.count {
                guard e.isDirectory else { return nil }
                dir = try directory(e)
            }
        }
        return found
    }
}
