import Foundation

/// JSON Lines: one object per image, one per line, keys sorted (DESIGN.md's contract;
/// `schema/report.schema.json` describes it).
public enum JSONReporter {
    public static func render(_ reports: [Report]) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for r in reports {
            out.append(try e.encode(r))
            out.append(0x0A)
        }
        return out
    }
}
