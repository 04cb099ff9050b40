import Foundation

/// Runs host tools from tests (reference implementations: xmllint, python3 jsonschema, dpkg…).
public enum Tools {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `argv` (looked up in PATH) with optional standard input; never throws for a non-zero exit.
    public static func run(_ argv: [String], input: Data? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(input) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
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
