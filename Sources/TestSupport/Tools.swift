import Foundation

/// Runs host tools from tests (reference implementations: xmllint, python3 jsonschema, dpkg…).
public enum Tools {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Standard output as bytes.
        public var data: Data = Data()
    }

    /// Runs `argv` (looked up in PATH) with optional standard input; never throws for a non-zero exit.
    public static func run(_ argv: [String], input: Data? = nil) throws -> Output {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), argv, input: input)
    }

    /// Runs an executable with its output in temporary files, not pipes: Foundation's `Process`
    /// can leak a pipe's write end into a child spawned concurrently by another test, so reading
    /// a pipe to its end could wait for an unrelated process.
    public static func runProcess(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Output {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("imagegate-run-\(UUID())").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        let inPath = base + ".in"
        _ = fm.createFile(atPath: outPath, contents: nil)
        _ = fm.createFile(atPath: errPath, contents: nil)
        _ = fm.createFile(atPath: inPath, contents: input ?? Data())
        defer {
            for p in [outPath, errPath, inPath] { try? fm.removeItem(atPath: p) }
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let inp = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        try inp.close()
        let o = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let e = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Output(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self), data: o)
    }

    /// Writes `data` to a new temporary file and returns its path.
    public static func temporaryFile(_ data: Data, suffix: String = "") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imagegate-\(UUID())\(suffix)").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Validates JSON documents against a JSON Schema with python3's jsonschema; returns the errors.
    public static func validateJSON(_ documents: [Data], schema: String) throws -> [String] {
        var errors: [String] = []
        for d in documents {
            let file = try temporaryFile(d, suffix: ".json")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                doc = json.load(open(sys.argv[2]))
                v = jsonschema.validators.validator_for(schema)(schema)
                errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
                for e in errs: print(list(e.path), e.message)
                sys.exit(1 if errs else 0)
                """
            let r = try run(["/usr/bin/python3", "-c", script, schema, file])
            if r.status != 0 { errors.append(r.stdout + r.stderr) }
        }
        return errors
    }
}

/// Byte comparison that stays fast in debug builds (the generic `==` on `Data` walks bytes one by one).
public func sameBytes(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in
            guard let x = pa.baseAddress, let y = pb.baseAddress else { return false }
            return memcmp(x, y, a.count) == 0
        }
    }
}

/// Byte comparison of arrays that stays fast in debug builds.
public func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in
            guard let x = pa.baseAddress, let y = pb.baseAddress else { return a.isEmpty }
            return a.isEmpty || memcmp(x, y, a.count) == 0
        }
    }
}
