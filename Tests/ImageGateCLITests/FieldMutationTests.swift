import BlockIO
import Foundation
import TestSupport
import Testing

/// Every size, count, offset and length field of each format's headers and descriptors, set in
/// turn to 0, 1, 2^31−1, 2^32−1, 2^63−1 and 2^64−1 (cut to the field's width) in a copy of a
/// valid image (fixture `mutation-bases`), with the format's checksums recomputed so the reader
/// gets past them. All copies are checked in one pile through the built binary, so each image
/// has a worker process of its own: a trap, a hang past the timeout or an allocation past the
/// worker's memory cap gives that copy an `internal` error, which fails the test naming the
/// field and value, while every other copy is still checked. Every other outcome must be a
/// report or an error naming its layer.
///
/// `make test` checks a deterministic sample (every field with all ones and one other value);
/// `IMAGEGATE_MUTATION_ALL=1` checks every value of every field; `IMAGEGATE_MUTATION_LOG=FILE`
/// writes each copy's outcome there (format, field, value, verdict, error message).
@Suite(.serialized) struct FieldMutationTests {
    static let values: [UInt64] = [0, 1, 1 << 31 - 1, 1 << 32 - 1, 1 << 63 - 1, UInt64.max]

    /// One copy to check: which format, field and value, and how to make it.
    struct Mutation {
        var format: String
        var field: String
        var value: String
        /// Writes the mutated copy into the given folder and returns the path to check.
        var make: (String) throws -> String
        var label: String { "\(format) \(field) = \(value)" }
    }

    @Test func containersAndPartitionTables() throws {
        try Self.run(try MutationTables.containers() + MutationTables.partitionTables())
    }

    @Test func volumeManagersAndFileSystems() throws {
        try Self.run(try MutationTables.fileSystems())
    }

    @Test func packageDatabases() throws {
        try Self.run(try MutationTables.packageDatabases())
    }

    /// The values a field of `width` bytes takes: the list cut to the width, without repeats.
    static func values(width: Int) -> [UInt64] {
        let mask: UInt64 = width >= 8 ? .max : (1 << UInt64(8 * width)) - 1
        var seen: [UInt64] = []
        for v in values where !seen.contains(min(v, mask)) { seen.append(min(v, mask)) }
        return seen
    }

    /// Which values of a field are checked: all with IMAGEGATE_MUTATION_ALL, else the widest
    /// (all ones) and one of the others, chosen by the field's position so that every value is
    /// written into some field of each format.
    static func sample(_ values: [UInt64], index: Int) -> [UInt64] {
        if ProcessInfo.processInfo.environment["IMAGEGATE_MUTATION_ALL"] == "1" || values.count <= 2 { return values }
        let others = values.dropLast()
        return [others[others.startIndex + index % others.count], values[values.count - 1]]
    }

    /// Where the copies are written: /dev/shm when there is one (a disk-backed folder makes
    /// creating and removing tens of thousands of entries cost seconds), else the temporary folder.
    static let scratch: String = {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: "/dev/shm")
        {
            return "/dev/shm"
        }
        return FileManager.default.temporaryDirectory.path
    }()

    /// How many copies exist at once (one pile each), bounding the scratch space.
    static let batch = 150

    static func run(_ mutations: [Mutation]) throws {
        var log: [String] = []
        var elapsed = Duration.zero
        for first in stride(from: 0, to: mutations.count, by: batch) {
            let started = ContinuousClock.now
            log += try check(Array(mutations[first..<min(first + batch, mutations.count)]))
            elapsed += ContinuousClock.now - started
        }
        print("field mutation: \(mutations.count) copies made and checked in \(elapsed)")
        // Each copy's outcome (format, field, value, verdict, error), to see what a run reached.
        if let path = ProcessInfo.processInfo.environment["IMAGEGATE_MUTATION_LOG"] {
            let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try (old + log.sorted().joined(separator: "\n") + "\n").write(
                toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// Makes the copies, checks them in one pile and returns each one's outcome line.
    static func check(_ mutations: [Mutation]) throws -> [String] {
        let root = scratch + "/imagegate-mutation-\(UUID())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { _ = try? Tools.run(["rm", "-rf", root]) }
        var byPath: [String: Mutation] = [:]
        var list: [String] = []
        for (i, m) in mutations.enumerated() {
            let dir = root + "/\(i)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let path = try m.make(dir)
            byPath[path] = m
            list.append(path)
        }
        let listFile = root + "/list.txt"
        try list.joined(separator: "\n").write(toFile: listFile, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "--format", "json", "--timeout", "20", "--from", listFile])
        #expect(
            [0, 1, 2].contains(r.status),
            "check over \(list.count) mutated copies exited \(r.status): \(r.stderr.suffix(2000))")
        var seen = Set<String>()
        var log: [String] = []
        for line in r.stdout.split(separator: 0x0A) {
            let report = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] ?? [:]
            let path = (report["image"] as? [String: Any])?["path"] as? String ?? ""
            guard let m = byPath[path] else {
                Issue.record("a report for an image not in the list: \(path)")
                continue
            }
            seen.insert(path)
            let verdict = report["verdict"] as? String ?? ""
            let error = report["error"] as? [String: Any] ?? [:]
            log.append("\(m.format)\t\(m.field)\t\(m.value)\t\(verdict)\t\(error["message"] as? String ?? "")")
            #expect(["pass", "fail", "warn", "error"].contains(verdict), "\(m.label): verdict \(verdict)")
            guard verdict == "error" else { continue }
            let layer = error["layer"] as? String ?? ""
            let message = error["message"] as? String ?? ""
            #expect(layer != "internal", "\(m.label): \(message)")
            #expect(!layer.isEmpty && !message.isEmpty, "\(m.label): an error without layer or message: \(error)")
        }
        for path in list where !seen.contains(path) {
            Issue.record("\(byPath[path]?.label ?? path): no report")
        }
        return log
    }
}

/// The field tables, one function per format, each computed from the base image itself (where a
/// structure lies depends on the image) and each with the checksums that guard its fields.
enum MutationTables {
    typealias Mutation = FieldMutationTests.Mutation

    struct Field {
        var name: String
        var offset: Int
        var width: Int
        var bigEndian: Bool
    }

    static func base(_ name: String) throws -> String { try Fixtures.path("mutation-bases/" + name) }

    /// A copy of `file` (a mutation-bases name) per value of each field, under the same name in a
    /// folder of its own (a VMDK's descriptor may name its own file), with `extra` files beside it;
    /// with `tree`, `file` is a path inside that folder of the fixture, which is copied whole and
    /// checked as a directory. With `source`, the bytes come from that file instead and take the
    /// place of `replacing` in the tree (a database of another backend than the fixture's).
    static func binary(
        _ format: String, _ file: String, tree: String? = nil, source: String? = nil, replacing: String? = nil,
        extra: [String] = [], fields: (SparseBytes) -> [Field], fixup: @escaping (inout SparseBytes) -> Void = { _ in }
    ) throws -> [Mutation] {
        let bytes = try SparseBytes(path: try source ?? base(tree.map { $0 + "/" + file } ?? file))
        let treeSource = try tree.map { try base($0) }
        let extras = try extra.map { ($0, try SparseBytes(path: try base($0))) }
        var out: [Mutation] = []
        for (i, f) in fields(bytes).enumerated() {
            for v in FieldMutationTests.sample(FieldMutationTests.values(width: f.width), index: i) {
                out.append(
                    Mutation(format: format, field: f.name, value: "0x" + String(v, radix: 16)) { dir in
                        var copy = bytes
                        copy.put(f.offset, v, f.width, bigEndian: f.bigEndian)
                        fixup(&copy)
                        for (name, e) in extras { try e.save(to: dir + "/" + name) }
                        if let tree, let treeSource {
                            try copyTree(treeSource, dir + "/" + tree, except: replacing ?? file)
                            try copy.save(to: dir + "/" + tree + "/" + file)
                            return dir + "/" + tree
                        }
                        try copy.save(to: dir + "/" + file)
                        return dir + "/" + file
                    })
            }
        }
        return out
    }

    /// Copies the folder `source` to `target` (`cp -a`, symbolic links kept as links), then
    /// removes `except` (a path inside it) so that a new file takes its place.
    static func copyTree(_ source: String, _ target: String, except: String) throws {
        let r = try Tools.run(["cp", "-a", source, target])
        guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
        try FileManager.default.removeItem(atPath: target + "/" + except)
    }

    /// Text fields: each `key` (a unique piece of the text just before a number) gets the number
    /// after it replaced by each value in decimal, inside `area` of `file` (padded with NULs to
    /// the area's length, or the whole file when `area` is nil).
    static func text(
        _ format: String, _ file: String, area: Range<Int>? = nil, extra: [String] = [], keys: [String],
        fixup: @escaping (inout SparseBytes, Range<Int>, Int) -> Void = { _, _, _ in }
    ) throws -> [Mutation] {
        let bytes = try SparseBytes(path: try base(file))
        let extras = try extra.map { ($0, try SparseBytes(path: try base($0))) }
        let range = area ?? 0..<bytes.size
        let original = String(decoding: bytes.read(range.lowerBound, range.count).prefix { $0 != 0 }, as: UTF8.self)
        var out: [Mutation] = []
        for (i, key) in keys.enumerated() {
            guard let at = original.range(of: key) else {
                Issue.record("\(format): no '\(key)' in \(file)")
                continue
            }
            let digits = original[at.upperBound...].prefix { $0.isNumber }
            let numberRange = at.upperBound..<original.index(at.upperBound, offsetBy: digits.count)
            for v in FieldMutationTests.sample(FieldMutationTests.values, index: i) {
                var text = original
                text.replaceSubrange(numberRange, with: String(v))
                let newText = Array(text.utf8)
                out.append(
                    Mutation(format: format, field: key.trimmingCharacters(in: .whitespaces), value: String(v)) { dir in
                        var copy = bytes
                        if area == nil {
                            copy = SparseBytes(size: newText.count)
                            copy.write(0, newText)
                        } else {
                            var padded = Array(newText.prefix(range.count))
                            padded += [UInt8](repeating: 0, count: range.count - padded.count)
                            copy.write(range.lowerBound, padded)
                        }
                        fixup(&copy, range, newText.count)
                        for (name, e) in extras { try e.save(to: dir + "/" + name) }
                        try copy.save(to: dir + "/" + file)
                        return dir + "/" + file
                    })
            }
        }
        return out
    }
}
