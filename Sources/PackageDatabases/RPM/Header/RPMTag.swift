/// Tag numbers of an rpm header entry (rpm's `include/rpm/rpmtag.h`), only those imagegate reads.
public struct RPMTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Region tags: the first entry of a header that carries a region trailer.
    public static let headerImage = RPMTag(rawValue: 61)
    public static let headerSignatures = RPMTag(rawValue: 62)
    /// The immutable region: the tags of the package file as built, before rpm added install data.
    public static let headerImmutable = RPMTag(rawValue: 63)

    public static let name = RPMTag(rawValue: 1000)
    public static let version = RPMTag(rawValue: 1001)
    public static let release = RPMTag(rawValue: 1002)
    public static let epoch = RPMTag(rawValue: 1003)
    /// Seconds since the epoch when the package was installed (INT32, added by rpm at install).
    public static let installTime = RPMTag(rawValue: 1008)
    public static let arch = RPMTag(rawValue: 1022)
    /// Full paths of the files, in headers older than rpm 4.0 (replaced by the three below).
    public static let oldFilenames = RPMTag(rawValue: 1027)
    public static let sourceRPM = RPMTag(rawValue: 1044)
    /// For each entry of `basenames`, the index of its directory in `dirnames`.
    public static let dirIndexes = RPMTag(rawValue: 1116)
    public static let basenames = RPMTag(rawValue: 1117)
    /// Directory names, each ending with `/`.
    public static let dirnames = RPMTag(rawValue: 1118)

    /// Whether this tag opens a region (61, 62 or 63).
    public var isRegion: Bool { (61...63).contains(rawValue) }

    public var description: String {
        switch self {
        case .name: "NAME"
        case .version: "VERSION"
        case .release: "RELEASE"
        case .epoch: "EPOCH"
        case .installTime: "INSTALLTIME"
        case .arch: "ARCH"
        case .oldFilenames: "OLDFILENAMES"
        case .sourceRPM: "SOURCERPM"
        case .dirIndexes: "DIRINDEXES"
        case .basenames: "BASENAMES"
        case .dirnames: "DIRNAMES"
        case .headerImmutable: "HEADERIMMUTABLE"
        default: "tag \(rawValue)"
        }
    }
}

/// The data type of an rpm header entry (rpm's `rpmTagType`).
public enum RPMTagType: UInt32, Sendable {
    case null = 0
    case char = 1
    case int8 = 2
    case int16 = 3
    case int32 = 4
    case int64 = 5
    /// One NUL-terminated string (count is always 1).
    case string = 6
    /// `count` raw bytes.
    case bin = 7
    /// `count` NUL-terminated strings laid end to end.
    case stringArray = 8
    /// Like `stringArray`: one string per locale of the header's I18N table.
    case i18nString = 9

    /// Bytes per element for fixed-size types, nil for the string types.
    var elementSize: Int? {
        switch self {
        case .null: 0
        case .char, .int8, .bin: 1
        case .int16: 2
        case .int32: 4
        case .int64: 8
        case .string, .stringArray, .i18nString: nil
        }
    }

    /// Alignment of the data in the store (rpm's `typeAlign`): integers are naturally aligned.
    var alignment: Int {
        switch self {
        case .int16: 2
        case .int32: 4
        case .int64: 8
        default: 1
        }
    }
}
