import BlockIO

/// A volume group as described by its metadata text (LVM2 lib/format_text/import_vsn1.c):
///
///     rhel {
///         id = "…"  seqno = 7  extent_size = 8192        # sectors of 512 bytes
///         physical_volumes { pv0 { id = "…"  pe_start = 2048  pe_count = 255 } … }
///         logical_volumes {
///             root { id = "…"  status = ["READ", "WRITE", "VISIBLE"]  segment_count = 1
///                    segment1 { start_extent = 0  extent_count = 64  type = "striped"
///                               stripe_count = 2  stripe_size = 128  stripes = ["pv0", 0, "pv1", 0] } }
///         }
///     }
///
/// Values are validated here (names, counts, contiguous segments); mapping onto devices is
/// `LVM2VolumeGroup`'s job.
public struct LVM2Metadata: Sendable {
    /// A PV entry of `physical_volumes`.
    public struct PhysicalVolume: Sendable {
        /// The key in `physical_volumes` (`pv0`), which segments use.
        public let key: String
        /// UUID as LVM prints it (with dashes).
        public let uuid: String
        /// First extent's offset, in 512-byte sectors from the PV's start.
        public let peStart: UInt64
        public let peCount: UInt64
        /// The device name the PV had when the metadata was written (a hint only).
        public let deviceHint: String?
        let line: Int
    }

    /// One stripe of a segment: the PV key and the first extent used on it.
    public struct Stripe: Sendable, Equatable {
        public let pv: String
        public let startExtent: UInt64
    }

    /// One `segmentN` section of an LV, in extents of the VG.
    public struct Segment: Sendable {
        public let startExtent: UInt64
        public let extentCount: UInt64
        /// `striped` (linear is striped with one stripe), `thin-pool`, `thin`, `raid1`, `mirror`…
        public let type: String
        /// In 512-byte sectors; 0 for a single stripe.
        public let stripeSize: UInt64
        public let stripes: [Stripe]
        let line: Int
    }

    /// An LV section of `logical_volumes`, its segments sorted and contiguous from extent 0.
    public struct LogicalVolume: Sendable {
        public let name: String
        public let uuid: String
        /// `READ`, `WRITE`, `VISIBLE`…
        public let status: [String]
        public let segments: [Segment]
        /// Internal LVs (`pool_tdata`, `lv_rimage_0`…) lack the VISIBLE flag.
        public var isVisible: Bool { status.contains("VISIBLE") }
        public var extentCount: UInt64 { segments.reduce(0) { $0 + $1.extentCount } }
        let line: Int
    }

    /// The VG name (the metadata's only top-level section).
    public let name: String
    public let uuid: String
    /// Incremented by every metadata change; the highest copy wins.
    public let seqno: UInt64
    /// In 512-byte sectors.
    public let extentSize: UInt64
    public let physicalVolumes: [PhysicalVolume]
    public let logicalVolumes: [LogicalVolume]
    /// Device offset of the text, for errors found after parsing.
    let textOffset: UInt64

    /// Caps on what one VG may declare (LVM's own limits are lower in practice).
    static let maximumSegments = 65_536

    /// Parses and validates metadata text. Throws `ImageError` (layer `lvm2`, `.corrupt`) naming the line.
    public init(text: [UInt8], textOffset: UInt64 = 0) throws(ImageError) {
        let root = try LVM2ConfigParser.parse(text, base: textOffset)
        self.textOffset = textOffset
        let candidates = root.sections.filter { $0.values["seqno"] != nil && $0.values["id"] != nil }
        guard candidates.count == 1, let vg = candidates.first else {
            throw ImageError(
                "lvm2", .corrupt, "metadata text holds \(candidates.count) volume groups, expected 1", at: textOffset)
        }
        let f = Fields(section: vg, base: textOffset)
        name = vg.name
        uuid = try f.string("id")
        seqno = try f.count("seqno")
        extentSize = try f.count("extent_size")
        guard extentSize > 0, extentSize <= 1 << 32 else {
            throw f.fail(
                "extent_size \(extentSize) sectors is out of range", line: vg.valueLines["extent_size"] ?? vg.line)
        }
        var pvs: [PhysicalVolume] = []
        for s in vg.section("physical_volumes")?.sections ?? [] {
            let p = Fields(section: s, base: textOffset)
            // Byte offsets (sectors × 512) must fit in 64 bits.
            guard try p.count("pe_start") <= UInt64.max / 512 else {
                throw p.fail("pe_start is out of range", line: s.valueLines["pe_start"] ?? s.line)
            }
            pvs.append(
                PhysicalVolume(
                    key: s.name, uuid: try p.string("id"), peStart: try p.count("pe_start"),
                    peCount: try p.count("pe_count"), deviceHint: s.values["device"]?.string, line: s.line))
        }
        var lvs: [LogicalVolume] = []
        var totalSegments = 0
        for s in vg.section("logical_volumes")?.sections ?? [] {
            let l = Fields(section: s, base: textOffset)
            var segments: [Segment] = []
            for seg in s.sections where seg.name.hasPrefix("segment") {
                totalSegments += 1
                guard totalSegments <= Self.maximumSegments else {
                    throw ImageError(
                        "lvm2", .limitExceeded, "more than \(Self.maximumSegments) segments", at: textOffset)
                }
                segments.append(try Self.segment(seg, base: textOffset))
            }
            if let declared = s.values["segment_count"]?.integer, declared != segments.count {
                throw l.fail(
                    "lv \(vg.name)/\(s.name) declares \(declared) segments and holds \(segments.count)",
                    line: s.valueLines["segment_count"] ?? s.line)
            }
            segments.sort { $0.startExtent < $1.startExtent }
            var next: UInt64 = 0
            for seg in segments {
                guard seg.startExtent == next else {
                    throw l.fail(
                        "lv \(vg.name)/\(s.name): segment at extent \(seg.startExtent) does not follow extent \(next)",
                        line: seg.line)
                }
                next = try Checked.add(next, seg.extentCount, "lvm2", at: textOffset)
            }
            let status = (s.values["status"]?.array ?? []).compactMap { $0.string }
            lvs.append(
                LogicalVolume(name: s.name, uuid: try l.string("id"), status: status, segments: segments, line: s.line))
        }
        physicalVolumes = pvs
        logicalVolumes = lvs
    }

    private static func segment(_ s: LVM2ConfigSection, base: UInt64) throws(ImageError) -> Segment {
        let f = Fields(section: s, base: base)
        let type = try f.string("type")
        let start = try f.count("start_extent")
        let count = try f.count("extent_count")
        guard count > 0 else { throw f.fail("segment '\(s.name)' has no extents", line: s.line) }
        var stripes: [Stripe] = []
        var stripeSize: UInt64 = 0
        if type == "striped" {
            let declared = try f.count("stripe_count")
            guard let list = s.values["stripes"]?.array, list.count % 2 == 0, list.count / 2 == Int(clamping: declared),
                declared >= 1
            else {
                throw f.fail(
                    "segment '\(s.name)': stripes do not list \(declared) (pv, extent) pairs",
                    line: s.valueLines["stripes"] ?? s.line)
            }
            for i in stride(from: 0, to: list.count, by: 2) {
                guard let pv = list[i].string, let pe = list[i + 1].integer, pe >= 0 else {
                    throw f.fail(
                        "segment '\(s.name)': stripe \(i / 2) is not a (\"pv\", extent) pair",
                        line: s.valueLines["stripes"] ?? s.line)
                }
                stripes.append(Stripe(pv: pv, startExtent: UInt64(pe)))
            }
            if declared > 1 {
                stripeSize = try f.count("stripe_size")
                guard stripeSize > 0, stripeSize <= 1 << 32, count % declared == 0 else {
                    throw f.fail(
                        "segment '\(s.name)': \(count) extents cannot be split into \(declared) stripes of \(stripeSize) sectors",
                        line: s.line)
                }
            }
        }
        return Segment(
            startExtent: start, extentCount: count, type: type, stripeSize: stripeSize, stripes: stripes, line: s.line)
    }

    /// Typed access to one section's required fields, with errors naming the line.
    struct Fields {
        let section: LVM2ConfigSection
        let base: UInt64

        func fail(_ what: String, line: Int) -> ImageError {
            ImageError("lvm2", .corrupt, "metadata text line \(line): \(what)", at: base)
        }

        func string(_ key: String) throws(ImageError) -> String {
            guard let v = section.values[key] else {
                throw fail("'\(section.name)' lacks '\(key)'", line: section.line)
            }
            guard let s = v.string else {
                throw fail("'\(key)' is not a string", line: section.valueLines[key] ?? section.line)
            }
            return s
        }

        /// A non-negative integer.
        func count(_ key: String) throws(ImageError) -> UInt64 {
            guard let v = section.values[key] else {
                throw fail("'\(section.name)' lacks '\(key)'", line: section.line)
            }
            guard let i = v.integer, i >= 0 else {
                throw fail("'\(key)' is not a non-negative integer", line: section.valueLines[key] ?? section.line)
            }
            return UInt64(i)
        }
    }
}
