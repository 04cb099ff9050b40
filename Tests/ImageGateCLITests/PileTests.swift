import Foundation
import TestSupport
import Testing

/// Piles: `--from`, JSON Lines with input indices, the summary, worker processes that contain a
/// trap, a hang and a runaway allocation, and shards that partition the input.
@Suite(.serialized) struct PileTests {
    /// A folder of links to the Debian 12 qcow2 under the given names, so faults can pick one.
    static func pile(_ names: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-pile-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let disk = try Fixtures.path("debian12-disk/disk.qcow2")
        for n in names { try FileManager.default.createSymbolicLink(atPath: dir + "/" + n, withDestinationPath: disk) }
        return dir
    }

    static func lines(_ data: Data) throws -> [[String: Any]] {
        try data.split(separator: 0x0A).map {
            try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] ?? [:]
        }
    }

    static func run(_ args: [String], env: [String: String] = [:], input: Data? = nil) throws -> Tools.Output {
        let vars = env.map { "\($0.key)=\($0.value)" }
        return try Tools.runProcess(URL(fileURLWithPath: "/usr/bin/env"), vars + [CLI.binary] + args, input: input)
    }

    @Test func fromFileAndStandardInputBesideArgumentsGiveIndexedJSONLines() throws {
        let dir = try Self.pile(["a.qcow2", "b.qcow2", "c.qcow2"])
        let list = "# the pile\n\n  \(dir)/b.qcow2  \n# done\n\(dir)/c.qcow2\n"
        let r = try Self.run(
            ["check", "--format", "json", "--jobs", "2", "\(dir)/a.qcow2", "--from", "-"], input: Data(list.utf8))
        #expect(r.status == 1, "\(r.stderr)")
        let reports = try Self.lines(r.data)
        #expect(reports.count == 3)
        let byIndex = Dictionary(
            uniqueKeysWithValues: reports.map {
                (($0["index"] as? Int) ?? -1, ($0["image"] as? [String: Any])?["path"] as? String ?? "")
            })
        #expect(byIndex == [0: "\(dir)/a.qcow2", 1: "\(dir)/b.qcow2", 2: "\(dir)/c.qcow2"])
        // One image keeps the single-image shape: no index.
        let one = try Self.run(["check", "--format", "json", "\(dir)/a.qcow2"])
        #expect(try Self.lines(one.data).first?["index"] == nil)
        // A report that came through a worker is the in-process report plus its index, byte for byte.
        let viaWorker = reports.first { $0["index"] as? Int == 0 }.map { NSDictionary(dictionary: $0) }
        let first = String(decoding: r.data, as: UTF8.self).split(separator: "\n").first { $0.contains("\"index\":0") }
        #expect(
            first?.replacingOccurrences(of: ",\"index\":0", with: "")
                == String(decoding: one.data, as: UTF8.self).split(separator: "\n").first.map(String.init))
        #expect(viaWorker != nil)
    }

    @Test func textComesInInputOrderAndEndsWithTheSummary() throws {
        let dir = try Self.pile(["a.qcow2", "b.qcow2"])
        let r = try Self.run(["check", "--jobs", "2", "\(dir)/a.qcow2", "\(dir)/b.qcow2", "/nonexistent.qcow2"])
        #expect(r.status == 2)
        let a = r.stdout.range(of: "\(dir)/a.qcow2")
        let b = r.stdout.range(of: "\(dir)/b.qcow2")
        #expect(a != nil && b != nil && a!.lowerBound < b!.lowerBound)
        #expect(r.stdout.contains("summary: 3 images: 0 pass, 2 fail, 1 error\n"), "\(r.stdout.suffix(300))")
        #expect(r.stdout.contains("  cloud-init      2 failed\n"))
        // The unreadable image's error line is on stderr once.
        #expect(r.stderr.components(separatedBy: "imagegate: error:").count == 2, "\(r.stderr)")
        let md = try Self.run(["check", "--format", "markdown", "\(dir)/a.qcow2", "\(dir)/b.qcow2"])
        #expect(
            md.stdout.contains(
                "## Summary\n\n| verdict | images |\n|---|---|\n| pass | 0 |\n| fail | 2 |\n| error | 0 |"))
        #expect(md.stdout.contains("| `udev-rule` | 2 | 0 |"))
    }

    @Test func aTrapInOneImageLeavesEveryOtherReport() throws {
        let good = (1...8).map { "good\($0).qcow2" }
        let dir = try Self.pile(good + ["trap.qcow2"])
        // The 100-byte VMDK of issue 10 (a flat extent of 2^55 sectors), beside an injected trap.
        let vmdk = "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 36028797018963967 ZERO\n"
        try Data(vmdk.utf8).write(to: URL(fileURLWithPath: dir + "/huge.vmdk"))
        let inputs = ["huge.vmdk"] + good.prefix(4) + ["trap.qcow2"] + good.suffix(4)
        let list = inputs.map { dir + "/" + $0 }.joined(separator: "\n")
        let listFile = try Tools.temporaryFile(Data(list.utf8))
        let r = try Self.run(
            ["check", "--format", "json", "--jobs", "2", "--from", listFile],
            env: ["IMAGEGATE_WORKER_FAULT": "trap=trap.qcow2"])
        #expect(r.status == 2)
        let reports = try Self.lines(r.data)
        #expect(reports.count == 10)
        let verdicts = Dictionary(
            uniqueKeysWithValues: reports.map { (($0["index"] as? Int) ?? -1, $0["verdict"] as? String ?? "") })
        #expect(verdicts.count == 10)
        #expect(verdicts[0] == "error")
        #expect(verdicts[5] == "error")
        #expect(verdicts.filter { $0.value == "fail" }.count == 8)
        let trapped = reports.first { $0["index"] as? Int == 5 }?["error"] as? [String: Any]
        #expect(trapped?["layer"] as? String == "internal")
        let message = trapped?["message"] as? String ?? ""
        #expect(message.contains("signal") && message.contains("please report it"), "\(message)")
    }

    /// A worker that dies on a URL: its error report (written by the parent) shows the URL without
    /// its query, as every other report does; the other image, read by parallel readers in a
    /// worker under the memory limit, is checked.
    @Test func aWorkerDyingOnAURLKeepsTheQueryOutOfItsReport() throws {
        let server = try NginxServer(root: Fixtures.directory)
        let base = "http://127.0.0.1:\(server.port)/debian12-disk/"
        let query = "?sv=2022-11-02&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D"
        let r = try Self.run(
            ["check", "--format", "json", base + "disk.qcow2" + query, base + "disk-fixed.vhd" + query],
            env: ["IMAGEGATE_WORKER_FAULT": "trap=disk-fixed.vhd"])
        #expect(!r.stdout.contains("c2VjcmV0") && !r.stderr.contains("c2VjcmV0"), "\(r.stdout)\n\(r.stderr)")
        let reports = try Self.lines(r.data)
        #expect(reports.first { $0["index"] as? Int == 0 }?["verdict"] as? String == "fail", "\(r.stdout)")
        let trapped = reports.first { $0["index"] as? Int == 1 }
        #expect(trapped?["verdict"] as? String == "error")
        #expect((trapped?["image"] as? [String: Any])?["path"] as? String == base + "disk-fixed.vhd")
    }

    @Test func aHangTimesOutAndARunawayAllocationMeetsTheMemoryLimit() throws {
        let dir = try Self.pile(["a.qcow2", "hang.qcow2", "hog.qcow2"])
        let start = Date()
        let hang = try Self.run(
            ["check", "--format", "json", "--timeout", "2", "\(dir)/a.qcow2", "\(dir)/hang.qcow2"],
            env: ["IMAGEGATE_WORKER_FAULT": "hang=hang.qcow2"])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(hang.status == 2)
        let h = try Self.lines(hang.data)
        #expect(h.count == 2)
        let timedOut = h.first { $0["index"] as? Int == 1 }?["error"] as? [String: Any]
        let why = timedOut?["message"] as? String
        #expect(why?.contains("gave up after 2 s (--timeout)") == true, "\(why ?? "")")
        let hog = try Self.run(
            ["check", "--format", "json", "--memory-limit", "512M", "\(dir)/a.qcow2", "\(dir)/hog.qcow2"],
            env: ["IMAGEGATE_WORKER_FAULT": "memory=hog.qcow2"])
        #expect(hog.status == 2)
        let over = try Self.lines(hog.data).first { $0["index"] as? Int == 1 }?["error"] as? [String: Any]
        let limit = over?["message"] as? String
        #expect(limit?.contains("memory limit of 512 MiB") == true, "\(limit ?? "")")
    }

    @Test func shardsPartitionTheInputAndTheScriptMergesThem() throws {
        let names = (0..<7).map { "s\($0).qcow2" }
        let dir = try Self.pile(names)
        let list = try Tools.temporaryFile(Data(names.map { dir + "/" + $0 }.joined(separator: "\n").utf8))
        func indices(_ args: [String], env: [String: String] = [:]) throws -> [Int] {
            try Self.lines(try Self.run(["check", "--format", "json", "--from", list] + args, env: env).data).compactMap
            { $0["index"] as? Int }
        }
        let whole = try indices([]).sorted()
        #expect(whole == Array(0..<7))
        var seen: [Int] = []
        for i in 0..<3 { seen += try indices(["--shard", "\(i)/3"]) }
        #expect(seen.sorted() == whole)
        #expect(try indices(["--shard-count", "3"], env: ["JOB_COMPLETION_INDEX": "1"]).sorted() == [1, 4])
        let bad = try Self.run(["check", "--from", list, "--shard", "3/3"])
        #expect(bad.status == 64)
        // scripts/shard-local.sh: N shard processes merged by index equal one unsharded run.
        // The script is handed the binary under test: its default, a release build, may be older.
        let merged = try Tools.run(
            [
                "env", "IMAGEGATE=" + CLI.binary, "bash", Fixtures.packageRoot + "/scripts/shard-local.sh", "3", list,
                "--format", "json",
            ], input: nil)
        let unsharded = try Self.run(["check", "--format", "json", "--from", list])
        func normalized(_ d: Data) throws -> [NSDictionary] {
            try Self.lines(d).sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }.map {
                NSDictionary(dictionary: $0)
            }
        }
        #expect(try normalized(merged.data) == normalized(unsharded.data), "\(merged.stderr)")
        #expect(try normalized(merged.data).count == 7)
    }

    @Test func progressLinesWhenStderrIsNotATerminal() throws {
        let dir = try Self.pile(["a.qcow2", "b.qcow2"])
        let r = try Self.run(["check", "--progress", "--format", "json", "\(dir)/a.qcow2", "\(dir)/b.qcow2"])
        #expect(r.stderr.contains("imagegate: [1/2] fail "))
        #expect(r.stderr.contains("imagegate: [2/2] fail "))
        // A URL is shown without its query: a SAS signature never reaches a progress line.
        let url = "https://127.0.0.1:9/disk.vhd?sv=2024&sig=SECRETSIGNATURE"
        let u = try Self.run(["check", "--progress", "--timeout", "5", "--format", "json", "\(dir)/a.qcow2", url])
        let lines = u.stderr.split(separator: "\n").filter { $0.hasPrefix("imagegate: [") }
        #expect(lines.count == 2, "\(u.stderr)")
        #expect(lines.contains { $0.contains("https://127.0.0.1:9/disk.vhd (") }, "\(u.stderr)")
        #expect(!lines.contains { $0.contains("SECRETSIGNATURE") })
        let quiet = try Self.run(["check", "--format", "json", "\(dir)/a.qcow2", "\(dir)/b.qcow2"])
        #expect(!quiet.stderr.contains("[1/2]"))
    }
}
