import BlockIO

/// Everything a qcow2 image says about itself before any data is read: the header, its
/// extensions, the backing file name and the L1 table, with the feature checks applied.
struct QCOW2Metadata: Sendable {
    /// Bytes read for the header at first; a larger header cluster is read up to `maximumHeaderWindow`.
    static let initialHeaderWindow: UInt64 = 4096
    static let maximumHeaderWindow: UInt64 = 64 << 10

    let header: QCOW2Header
    let extensions: QCOW2HeaderExtensions
    /// The backing file name as stored (relative to the image's folder, or absolute).
    let backingFileName: String?
    /// L1 entries that map the virtual disk (the table may be longer; the rest is unused). The
    /// table is read a page at a time, when a read needs it.
    let l1Entries: UInt64
    /// Things worth telling a user: dirty and corrupt bits.
    let notes: [String]
    let fileSize: UInt64

    init(_ file: any BlockDevice) throws {
        fileSize = file.size
        var r = try file.reader(at: 0, count: Int(min(fileSize, Self.initialHeaderWindow)), layer: "qcow2")
        let header = try QCOW2Header(&r, fileSize: fileSize)
        self.header = header

        // Extensions run from the end of the header to the backing file name, or to the end of
        // the header cluster. They are small: parse the first window read, and read more only
        // when they run on past it.
        let extensionsEnd = min(
            header.backingFileOffset != 0 ? header.backingFileOffset : header.clusterSize, fileSize,
            Self.maximumHeaderWindow)
        if UInt64(r.bytes.count) < extensionsEnd
            && !QCOW2HeaderExtensions.endsWithin(r.bytes, from: Int(header.headerLength))
        {
            r = try file.reader(at: 0, count: Int(extensionsEnd), layer: "qcow2")
        }
        var ext = ByteReader(
            Array(r.bytes.prefix(Int(extensionsEnd)).dropFirst(Int(header.headerLength))), layer: "qcow2",
            base: UInt64(header.headerLength))
        extensions = try QCOW2HeaderExtensions(&ext)

        if header.backingFileOffset != 0 {
            var name = try file.reader(
                at: header.backingFileOffset, count: Int(header.backingFileSize), layer: "qcow2")
            let bytes = try name.bytes(Int(header.backingFileSize))
            guard !bytes.contains(0) else {
                throw ImageError(
                    "qcow2", .corrupt, "backing file name contains a NUL byte", at: header.backingFileOffset)
            }
            backingFileName = String(decoding: bytes, as: UTF8.self)
        } else {
            backingFileName = nil
        }

        notes = try Self.checkFeatures(header, extensions)

        let perL2 = header.l2Entries << UInt64(header.clusterBits)
        l1Entries = header.size / perL2 + (header.size % perL2 == 0 ? 0 : 1)
    }

    /// Refuses what cannot be read (unknown incompatible features, an external data file) and
    /// returns notes for the bits a reader may ignore (dirty, corrupt).
    static func checkFeatures(_ header: QCOW2Header, _ extensions: QCOW2HeaderExtensions) throws -> [String] {
        let unknown = header.incompatible.subtracting(.known)
        if !unknown.isEmpty {
            let names = (0..<64).filter { unknown.rawValue & (1 << UInt64($0)) != 0 }.map(extensions.incompatibleName)
            throw ImageError(
                "qcow2", .unsupported, "unknown incompatible features: \(names.joined(separator: ", "))", at: 0x48)
        }
        if header.incompatible.contains(.externalDataFile) {
            let name = extensions.externalDataFile.map { "'\($0)'" } ?? "(no name given)"
            throw ExternalFileRefusal.error(
                "images whose data lives in an external data file \(name) are not supported", layer: "qcow2",
                at: 0x48, flagLiftsIt: false)
        }
        var notes: [String] = []
        if header.incompatible.contains(.dirty) {
            notes.append("qcow2: the image is marked dirty (not closed cleanly); its refcounts may be stale")
        }
        if header.incompatible.contains(.corrupt) {
            notes.append("qcow2: the image is marked corrupt by the tool that last wrote it")
        }
        return notes
    }
}
