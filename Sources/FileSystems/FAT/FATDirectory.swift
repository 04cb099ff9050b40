import BlockIO

/// One file or folder of a FAT directory (a short entry, with its long name when one precedes it).
struct FATDirectoryEntry: Sendable {
    /// The long name, or the 8.3 name with the NT case bits applied.
    let name: String
    /// The 8.3 name as Linux shows it without a long name (for lookups by the alias).
    let shortName: String
    let isDirectory: Bool
    let readOnly: Bool
    let firstCluster: UInt32
    let size: UInt32
    let modificationTime: Int64
    /// Device offset of the 32-byte short entry (unique: used as the inode number).
    let offset: UInt64
}

/// The parsed entries of one directory (without `.`, `..` and the volume label) and a
/// case-insensitive name index, as Linux vfat looks names up by default.
struct FATDirectory: Sendable {
    var entries: [FATDirectoryEntry] = []
    var byFoldedName: [String: Int] = [:]
    /// The volume label entry (root directory only).
    var volumeLabel: [UInt8]?

    static func fold(_ name: String) -> String { name.lowercased() }

    mutating func append(_ e: FATDirectoryEntry) {
        let key = Self.fold(e.name)
        guard byFoldedName[key] == nil else { return }
        byFoldedName[key] = entries.count
        let alias = Self.fold(e.shortName)
        if byFoldedName[alias] == nil { byFoldedName[alias] = entries.count }
        entries.append(e)
    }

    func entry(named name: String) -> FATDirectoryEntry? {
        byFoldedName[Self.fold(name)].map { entries[$0] }
    }
}

/// Parses the 32-byte records of a directory ("FAT32 File System Specification", sections 6
/// and 7): short entries with the NT case byte, long-name entries (attribute 0x0F, UTF-16LE,
/// in reverse order, tied to their short entry by a checksum), deleted entries (0xE5), and the
/// end marker (0x00).
struct FATDirectoryParser {
    static let entrySize = 32
    /// Attribute bits (`DIR_Attr`).
    static let readOnly: UInt8 = 0x01
    static let volumeID: UInt8 = 0x08
    static let directory: UInt8 = 0x10
    static let longName: UInt8 = 0x0F

    var directory = FATDirectory()
    /// Set once the 0x00 end marker is seen: later records are never read.
    private(set) var ended = false
    private var longParts: [Int: [UInt16]] = [:]
    private var longExpected = 0
    private var longChecksum: UInt8 = 0
    private var isRoot: Bool

    init(isRoot: Bool) { self.isRoot = isRoot }

    /// Feeds the records of one cluster (or the fixed root region); `base` is its device offset.
    mutating func feed(_ bytes: [UInt8], at base: UInt64, layer: String, maxEntries: Int) throws {
        var r = ByteReader(bytes, layer: layer, base: base)
        while !ended, r.remaining >= Self.entrySize {
            let at = r.offset
            var e = try r.sub(Self.entrySize)
            let name = try e.bytes(11)  // 0x00 DIR_Name
            let attributes = try e.u8()  // 0x0B DIR_Attr
            if name[0] == 0x00 {
                ended = true
                return
            }
            if name[0] == 0xE5 {
                longExpected = 0
                continue
            }
            if attributes & 0x3F == Self.longName {
                try feedLongName(name: name, record: e, at: at)
                continue
            }
            let caseBits = try e.u8()  // 0x0C DIR_NTRes
            try e.skip(7)  // 0x0D DIR_CrtTimeTenth, DIR_CrtTime, DIR_CrtDate, DIR_LstAccDate
            let clusterHi = try e.u16le()  // 0x14 DIR_FstClusHI
            let time = try e.u16le()  // 0x16 DIR_WrtTime
            let date = try e.u16le()  // 0x18 DIR_WrtDate
            let clusterLo = try e.u16le()  // 0x1A DIR_FstClusLO
            let size = try e.u32le()  // 0x1C DIR_FileSize
            let long = takeLongName(for: name)
            if attributes & Self.volumeID != 0 {
                if isRoot, directory.volumeLabel == nil { directory.volumeLabel = name }
                continue
            }
            if name == Array(".          ".utf8) || name == Array("..         ".utf8) { continue }
            guard directory.entries.count < maxEntries else {
                throw ImageError(layer, .limitExceeded, "directory of more than \(maxEntries) entries", at: at)
            }
            let short = Self.shortName(name, caseBits: caseBits)
            directory.append(
                FATDirectoryEntry(
                    name: long ?? short, shortName: Self.shortName(name, caseBits: 0),
                    isDirectory: attributes & Self.directory != 0, readOnly: attributes & Self.readOnly != 0,
                    firstCluster: UInt32(clusterHi) << 16 | UInt32(clusterLo), size: size,
                    modificationTime: Self.time(date: date, time: time), offset: at))
        }
    }

    /// Collects one long-name part; a broken sequence is dropped (the short name then stands).
    private mutating func feedLongName(name: [UInt8], record: ByteReader, at: UInt64) throws {
        var e = record
        let order = name[0]  // 0x00 LDIR_Ord (0x40: last, i.e. first stored)
        let sequence = Int(order & 0x1F)
        try e.seek(to: 0x0D)
        let checksum = try e.u8()  // 0x0D LDIR_Chksum
        guard (1...20).contains(sequence) else {
            longExpected = 0
            return
        }
        if order & 0x40 != 0 {
            longParts = [:]
            longExpected = sequence
            longChecksum = checksum
        } else if longExpected == 0 || checksum != longChecksum || longParts[sequence + 1] == nil {
            longExpected = 0
            return
        }
        var units: [UInt16] = []
        for (start, count) in [(0x01, 5), (0x0E, 6), (0x1C, 2)] {  // LDIR_Name1, LDIR_Name2, LDIR_Name3
            try e.seek(to: start)
            for _ in 0..<count { units.append(try e.u16le()) }
        }
        longParts[sequence] = units
    }

    /// The long name gathered for this short entry, when complete and its checksum matches.
    private mutating func takeLongName(for shortName: [UInt8]) -> String? {
        defer {
            longExpected = 0
            longParts = [:]
        }
        guard longExpected > 0, longParts.count == longExpected, longChecksum == Self.checksum(shortName) else {
            return nil
        }
        var units: [UInt16] = []
        for i in 1...longExpected {
            guard let part = longParts[i] else { return nil }
            units += part
        }
        let name = ByteReader.text(utf16: units)
        return name.isEmpty ? nil : name
    }

    /// The long-name checksum of an 11-byte short name (spec section 7).
    static func checksum(_ name: [UInt8]) -> UInt8 {
        var sum: UInt8 = 0
        for b in name { sum = (sum & 1 != 0 ? 0x80 : 0) &+ (sum >> 1) &+ b }
        return sum
    }

    /// "NAME    EXT" → "NAME.EXT", lower-cased per the NT byte (0x08 base, 0x10 extension), 0x05 → 0xE5.
    /// Bytes above 0x7F are read in code page 437, Linux's default.
    static func shortName(_ raw: [UInt8], caseBits: UInt8) -> String {
        var bytes = raw
        if bytes[0] == 0x05 { bytes[0] = 0xE5 }
        func part(_ s: ArraySlice<UInt8>, lower: Bool) -> String {
            let trimmed = s.reversed().drop { $0 == 0x20 }.reversed()
            let text = FATCodePage.decode(trimmed)
            return lower ? text.lowercased() : text
        }
        let base = part(bytes[0..<8], lower: caseBits & 0x08 != 0)
        let ext = part(bytes[8..<11], lower: caseBits & 0x10 != 0)
        return ext.isEmpty ? base : base + "." + ext
    }

    /// DOS date and time (2-second resolution, taken as UTC) to seconds since the epoch.
    static func time(date: UInt16, time: UInt16) -> Int64 {
        let year = 1980 + Int64(date >> 9)
        let month = Int64(max(1, min(12, (date >> 5) & 0x0F)))
        let day = Int64(max(1, date & 0x1F))
        // Days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = Int64(time >> 11) * 3600 + Int64((time >> 5) & 0x3F) * 60 + Int64(time & 0x1F) * 2
        return days * 86400 + seconds
    }
}
