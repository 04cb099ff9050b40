import Foundation

/// What `blkid -p -o export` printed when a fixture was built: one `KEY=value` a line (TYPE, UUID,
/// LABEL, …), with blkid's backslash escapes (`\ ` for a space in a label) undone.
public enum BlkidExport {
    /// The values of the export file `name` under the fixtures folder; throws when it is missing.
    public static func read(_ name: String) throws -> [String: String] {
        parse(try String(contentsOfFile: try Fixtures.path(name), encoding: .utf8))
    }

    /// The values of export text; a line without `=` is skipped.
    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var value = ""
            var escaped = false
            for c in line[line.index(after: eq)...] {
                if c == "\\" && !escaped {
                    escaped = true
                    continue
                }
                value.append(c)
                escaped = false
            }
            out[String(line[..<eq])] = value
        }
        return out
    }
}
