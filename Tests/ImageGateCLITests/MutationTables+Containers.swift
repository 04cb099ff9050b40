import BlockIO
import Foundation
import Testing

/// Disk containers (qcow2, VHD, VHDX, VMDK, OVA) and partition tables (MBR/EBR, GPT).
extension MutationTables {
    static func containers() throws -> [Mutation] {
        try qcow2() + vhd() + vhdx() + vmdk() + ova()
    }

    static func partitionTables() throws -> [Mutation] {
        try mbr() + gpt()
    }

    static func be(_ name: String, _ offset: Int, _ width: Int) -> Field {
        Field(name: name, offset: offset, width: width, bigEndian: true)
    }

    static func le(_ name: String, _ offset: Int, _ width: Int) -> Field {
        Field(name: name, offset: offset, width: width, bigEndian: false)
    }

    // MARK: qcow2 (big-endian header, L1/L2 and refcount tables)

    static func qcow2() throws -> [Mutation] {
        try binary("qcow2", "gpt.qcow2") { b in
            var f = [
                be("version", 4, 4), be("backing_file_offset", 8, 8), be("backing_file_size", 16, 4),
                be("cluster_bits", 20, 4), be("size", 24, 8), be("crypt_method", 32, 4), be("l1_size", 36, 4),
                be("l1_table_offset", 40, 8), be("refcount_table_offset", 48, 8), be("refcount_table_clusters", 56, 4),
                be("nb_snapshots", 60, 4), be("snapshots_offset", 64, 8), be("incompatible_features", 72, 8),
                be("refcount_order", 96, 4), be("header_length", 100, 4), be("compression_type", 104, 1),
            ]
            let headerLength = b.int(100, 4, bigEndian: true)
            f.append(be("extension[0].type", headerLength, 4))
            f.append(be("extension[0].length", headerLength + 4, 4))
            let l1 = b.int(40, 8, bigEndian: true)
            f.append(be("l1[0]", l1, 8))
            let l2 = Int(b.u(l1, 8, bigEndian: true) & 0x00FF_FFFF_FFFF_FE00)
            if let k = (0..<512).first(where: { b.u(l2 + 8 * $0, 8, bigEndian: true) != 0 }) {
                f.append(be("l2[\(k)]", l2 + 8 * k, 8))
            }
            let refcounts = b.int(48, 8, bigEndian: true)
            f.append(be("refcount_table[0]", refcounts, 8))
            return f
        }
    }

    // MARK: VHD (big-endian footer and dynamic header, one's-complement sums)

    /// The footer's checksum: the one's complement of the sum of its bytes but the checksum's own.
    static func vhdSum(_ b: inout SparseBytes, at: Int, count: Int, checksumAt: Int) {
        b.put(at + checksumAt, 0, 4, bigEndian: true)
        let sum = b.read(at, count).reduce(UInt32(0)) { $0 &+ UInt32($1) }
        b.put(at + checksumAt, UInt64(~sum), 4, bigEndian: true)
    }

    static func vhdFooterFields(_ at: Int, _ prefix: String) -> [Field] {
        [
            be(prefix + "features", at + 8, 4), be(prefix + "data_offset", at + 16, 8),
            be(prefix + "original_size", at + 40, 8), be(prefix + "current_size", at + 48, 8),
            be(prefix + "disk_geometry", at + 56, 4), be(prefix + "disk_type", at + 60, 4),
        ]
    }

    static func vhd() throws -> [Mutation] {
        let dynamic = try binary(
            "vhd", "gpt.vhd",
            fields: { b in
                let footer = b.size - 512
                let header = b.int(footer + 16, 8, bigEndian: true)
                let bat = b.int(header + 16, 8, bigEndian: true)
                return vhdFooterFields(footer, "footer.") + vhdFooterFields(0, "footer-copy.") + [
                    be("dynamic.data_offset", header + 8, 8), be("dynamic.table_offset", header + 16, 8),
                    be("dynamic.header_version", header + 24, 4), be("dynamic.max_table_entries", header + 28, 4),
                    be("dynamic.block_size", header + 32, 4), be("dynamic.parent_locator[0].code", header + 576, 4),
                    be("dynamic.parent_locator[0].data_length", header + 584, 4),
                    be("dynamic.parent_locator[0].data_offset", header + 592, 8), be("bat[0]", bat, 4),
                    be("bat[2]", bat + 8, 4),
                ]
            },
            fixup: { b in
                vhdSum(&b, at: b.size - 512, count: 512, checksumAt: 64)
                vhdSum(&b, at: 0, count: 512, checksumAt: 64)
                let header = b.int(b.size - 512 + 16, 8, bigEndian: true)
                if header > 0, header < b.size - 1024 { vhdSum(&b, at: header, count: 1024, checksumAt: 36) }
            })
        let fixed = try binary(
            "vhd-fixed", "gpt-fixed.vhd", fields: { b in vhdFooterFields(b.size - 512, "footer.") },
            fixup: { b in vhdSum(&b, at: b.size - 512, count: 512, checksumAt: 64) })
        return dynamic + fixed
    }

    // MARK: VHDX (little-endian, CRC-32C over headers and region tables)

    static func crc32c(_ b: inout SparseBytes, at: Int, count: Int, checksumAt: Int) {
        b.put(at + checksumAt, 0, 4, bigEndian: false)
        let crc = CRC32C.checksum(b.read(at, count))
        b.put(at + checksumAt, UInt64(crc), 4, bigEndian: false)
    }

    /// The metadata items by their GUID as stored (the first three groups little-endian).
    static let vhdxMetadataItems: [String: String] = [
        "3767a1ca36fa434db3b633f0aa44e76b": "file_parameters", "2442a52f1bcd7648b2115dbed83bf4b8": "virtual_disk_size",
        "1dbf41816fa90947ba47f233a8faab5f": "logical_sector_size",
        "c748a3cd5d4471449cc9e9885251c556": "physical_sector_size",
        "ab12cabee6b2234593efc309e000c746": "page_83_data",
    ]

    static func vhdx() throws -> [Mutation] {
        try binary(
            "vhdx", "gpt.vhdx",
            fields: { b in
                var f: [Field] = []
                for (h, at) in [("header1", 64 << 10), ("header2", 128 << 10)] {
                    f += [
                        le(h + ".sequence_number", at + 8, 8), le(h + ".log_version", at + 64, 2),
                        le(h + ".version", at + 66, 2), le(h + ".log_length", at + 68, 4),
                        le(h + ".log_offset", at + 72, 8),
                    ]
                }
                let table = 192 << 10
                f.append(le("region_table.entry_count", table + 8, 4))
                let entries = b.int(table + 8, 4, bigEndian: false)
                var metadata: Int?
                var bat: Int?
                for i in 0..<min(entries, 8) {
                    let e = table + 16 + 32 * i
                    let guid = b.read(e, 16).map { String(format: "%02x", $0) }.joined()
                    let name =
                        guid.hasPrefix("6677c22d") ? "bat" : guid.hasPrefix("06a27c8b") ? "metadata" : "region[\(i)]"
                    f += [le("region.\(name).file_offset", e + 16, 8), le("region.\(name).length", e + 24, 4)]
                    if name == "bat" { bat = b.int(e + 16, 8, bigEndian: false) }
                    if name == "metadata" { metadata = b.int(e + 16, 8, bigEndian: false) }
                }
                if let bat { f += [le("bat[0]", bat, 8), le("bat[1]", bat + 8, 8)] }
                if let metadata {
                    f.append(le("metadata.entry_count", metadata + 10, 2))
                    let count = b.int(metadata + 10, 2, bigEndian: false)
                    for i in 0..<min(count, 16) {
                        let e = metadata + 32 + 32 * i
                        let guid = b.read(e, 16).map { String(format: "%02x", $0) }.joined()
                        let name = vhdxMetadataItems[guid] ?? "item[\(i)]"
                        let offset = b.int(e + 16, 4, bigEndian: false)
                        f += [le("metadata.\(name).offset", e + 16, 4), le("metadata.\(name).length", e + 20, 4)]
                        switch name {
                        case "file_parameters":
                            f += [
                                le("file_parameters.block_size", metadata + offset, 4),
                                le("file_parameters.flags", metadata + offset + 4, 4),
                            ]
                        case "virtual_disk_size": f.append(le("virtual_disk_size", metadata + offset, 8))
                        case "logical_sector_size": f.append(le("logical_sector_size", metadata + offset, 4))
                        case "physical_sector_size": f.append(le("physical_sector_size", metadata + offset, 4))
                        default: break
                        }
                    }
                }
                return f
            },
            fixup: { b in
                crc32c(&b, at: 64 << 10, count: 4096, checksumAt: 4)
                crc32c(&b, at: 128 << 10, count: 4096, checksumAt: 4)
                crc32c(&b, at: 192 << 10, count: 64 << 10, checksumAt: 4)
                // The second region table: the same entries (the reader may prefer either).
                b.write(256 << 10, b.read(192 << 10, 64 << 10))
            })
    }

    // MARK: VMDK (little-endian sparse header, grain directory and tables; descriptor text)

    static func vmdkHeaderFields(_ at: Int, _ prefix: String) -> [Field] {
        [
            le(prefix + "version", at + 4, 4), le(prefix + "flags", at + 8, 4), le(prefix + "capacity", at + 12, 8),
            le(prefix + "grain_size", at + 20, 8), le(prefix + "descriptor_offset", at + 28, 8),
            le(prefix + "descriptor_size", at + 36, 8), le(prefix + "num_gtes_per_gt", at + 44, 4),
            le(prefix + "rgd_offset", at + 48, 8), le(prefix + "gd_offset", at + 56, 8),
            le(prefix + "overhead", at + 64, 8),
            le(prefix + "compress_algorithm", at + 77, 2),
        ]
    }

    static let descriptorKeys = [
        "version=", "RW ", "ddb.geometry.cylinders = \"", "ddb.geometry.heads = \"", "ddb.geometry.sectors = \"",
        "ddb.virtualHWVersion = \"",
    ]

    static func vmdk() throws -> [Mutation] {
        let sparse = try binary("vmdk-sparse", "gpt-sparse.vmdk") { b in
            let gd = b.int(56, 8, bigEndian: false) * 512
            let gt = b.int(gd, 4, bigEndian: false) * 512
            let rgd = b.int(48, 8, bigEndian: false) * 512
            var f = vmdkHeaderFields(0, "") + [le("gd[0]", gd, 4), le("rgd[0]", rgd, 4)]
            if let k = (0..<512).first(where: { b.u(gt + 4 * $0, 4, bigEndian: false) != 0 }) {
                f.append(le("gt[\(k)]", gt + 4 * k, 4))
            }
            return f
        }
        let stream = try binary("vmdk-stream", "gpt-stream.vmdk") { b in
            let footer = b.size - 1024
            let grain = b.int(64, 8, bigEndian: false) * 512
            return vmdkHeaderFields(0, "") + vmdkHeaderFields(footer, "footer.") + [
                le("grain[0].lba", grain, 8), le("grain[0].size", grain + 8, 4),
                le("footer_marker.size", footer - 512 + 8, 4), le("footer_marker.type", footer - 512 + 12, 4),
            ]
        }
        let embedded = try SparseBytes(path: try base("gpt-sparse.vmdk"))
        let area = embedded.int(28, 8, bigEndian: false) * 512
        let areaSize = embedded.int(36, 8, bigEndian: false) * 512
        let embeddedText = try text(
            "vmdk-sparse-descriptor", "gpt-sparse.vmdk", area: area..<area + areaSize, keys: descriptorKeys)
        let flat = try text(
            "vmdk-descriptor", "gpt-flat.vmdk", extra: ["gpt-flat-flat.vmdk"],
            keys: descriptorKeys + ["FLAT \"gpt-flat-flat.vmdk\" "])
        return sparse + stream + embeddedText + flat
    }

    // MARK: OVA (ustar headers; OVF text)

    /// The tar header checksum: the byte sum with the checksum field read as spaces, in octal.
    static func tarChecksum(_ b: inout SparseBytes, at: Int) {
        b.write(at + 148, Array("        ".utf8))
        let sum = b.read(at, 512).reduce(0) { $0 + Int($1) }
        b.write(at + 148, Array(String(format: "%06o", sum).utf8) + [0, 0x20])
    }

    static func ova() throws -> [Mutation] {
        let bytes = try SparseBytes(path: try base("gpt.ova"))
        let ovfSize = Int(String(decoding: bytes.read(124, 11), as: UTF8.self), radix: 8) ?? 0
        let second = 512 + (ovfSize + 511) / 512 * 512
        var out: [Mutation] = []
        // The size fields in base-256 (a leading 0x80 byte, then the value big-endian), which
        // tar uses for any size too large for 11 octal digits.
        for (i, (name, header)) in [("ovf", 0), ("disk1.vmdk", second)].enumerated() {
            for v in FieldMutationTests.sample(FieldMutationTests.values, index: i) {
                out.append(
                    Mutation(format: "ova", field: "tar[\(name)].size", value: String(v)) { dir in
                        var copy = bytes
                        copy.write(header + 124, [0x80, 0, 0, 0] + SparseBytes.encode(v, 8, bigEndian: true))
                        tarChecksum(&copy, at: header)
                        try copy.save(to: dir + "/gpt.ova")
                        return dir + "/gpt.ova"
                    })
            }
        }
        let ovf = String(decoding: bytes.read(512, ovfSize), as: UTF8.self)
        let disk = bytes.read(
            second + 512, Int(String(decoding: bytes.read(second + 124, 11), as: UTF8.self), radix: 8) ?? 0)
        for (i, key) in ["ovf:size=\"", "ovf:capacity=\"", "byte * 2^"].enumerated() {
            guard let at = ovf.range(of: key) else {
                Issue.record("ova: no '\(key)' in the OVF")
                continue
            }
            let digits = ovf[at.upperBound...].prefix { $0.isNumber }
            for v in FieldMutationTests.sample(FieldMutationTests.values, index: i) {
                var text = ovf
                text.replaceSubrange(at.upperBound..<ovf.index(at.upperBound, offsetBy: digits.count), with: String(v))
                out.append(
                    Mutation(format: "ovf", field: key, value: String(v)) { dir in
                        let tar = ustar([("gpt.ovf", Array(text.utf8)), ("disk1.vmdk", disk)])
                        try Data(tar).write(to: URL(fileURLWithPath: dir + "/gpt.ova"))
                        return dir + "/gpt.ova"
                    })
            }
        }
        return out
    }

    /// A ustar archive of regular files.
    static func ustar(_ members: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, data) in members {
            var h = SparseBytes(size: 512)
            h.write(0, Array(name.utf8))
            h.write(100, Array("0000644\0".utf8))
            h.write(108, Array("0000000\0".utf8))
            h.write(116, Array("0000000\0".utf8))
            h.write(124, Array(String(format: "%011o", data.count).utf8) + [0])
            h.write(136, Array("14361350000\0".utf8))
            h.write(156, [0x30])
            h.write(257, Array("ustar\u{0}00".utf8))
            tarChecksum(&h, at: 0)
            out += h.read(0, 512) + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    // MARK: MBR and EBR (little-endian partition entries)

    static func mbr() throws -> [Mutation] {
        try binary("mbr", "mbr.raw") { b in
            var f: [Field] = []
            for i in 0..<3 {
                let e = 446 + 16 * i
                f += [
                    le("mbr[\(i)].type", e + 4, 1), le("mbr[\(i)].lba_start", e + 8, 4),
                    le("mbr[\(i)].sectors", e + 12, 4),
                ]
            }
            let ebr = b.int(446 + 16 + 8, 4, bigEndian: false) * 512
            for i in 0..<2 {
                let e = ebr + 446 + 16 * i
                f += [
                    le("ebr[\(i)].type", e + 4, 1), le("ebr[\(i)].lba_start", e + 8, 4),
                    le("ebr[\(i)].sectors", e + 12, 4),
                ]
            }
            return f
        }
    }

    // MARK: GPT (little-endian header and entries, CRC-32 of both)

    static func gpt() throws -> [Mutation] {
        try binary(
            "gpt", "gpt.raw",
            fields: { b in
                let entries = b.int(512 + 72, 8, bigEndian: false) * 512
                let size = b.int(512 + 84, 4, bigEndian: false)
                var f = [
                    le("header.revision", 512 + 8, 4), le("header.header_size", 512 + 12, 4),
                    le("header.my_lba", 512 + 24, 8),
                    le("header.alternate_lba", 512 + 32, 8), le("header.first_usable_lba", 512 + 40, 8),
                    le("header.last_usable_lba", 512 + 48, 8), le("header.entries_lba", 512 + 72, 8),
                    le("header.entry_count", 512 + 80, 4), le("header.entry_size", 512 + 84, 4),
                ]
                for i in 0..<2 {
                    let e = entries + size * i
                    f += [
                        le("entry[\(i)].first_lba", e + 32, 8), le("entry[\(i)].last_lba", e + 40, 8),
                        le("entry[\(i)].attributes", e + 48, 8),
                    ]
                }
                return f
            },
            fixup: { b in
                // The entry array's CRC over what the header declares (when that is readable),
                // then the header's CRC over its declared size (the usual 92 when that is not).
                let entries = b.u(512 + 72, 8, bigEndian: false)
                let count = b.u(512 + 80, 4, bigEndian: false)
                let size = b.u(512 + 84, 4, bigEndian: false)
                let (bytes, o) = count.multipliedReportingOverflow(by: size)
                if !o, bytes <= 1 << 20, entries < UInt64(b.size / 512) {
                    let crc = CRC32.ieee(b.read(Int(entries) * 512, Int(bytes)))
                    b.put(512 + 88, UInt64(crc), 4, bigEndian: false)
                }
                let declared = b.int(512 + 12, 4, bigEndian: false)
                let headerSize = (92...512).contains(declared) ? declared : 92
                b.put(512 + 16, 0, 4, bigEndian: false)
                b.put(512 + 16, UInt64(CRC32.ieee(b.read(512, headerSize))), 4, bigEndian: false)
            })
    }
}
