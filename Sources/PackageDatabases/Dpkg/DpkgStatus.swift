import BlockIO

/// The dpkg status file `/var/lib/dpkg/status`: RFC 822-style paragraphs, one per package.
///
/// ```
/// Package: cloud-init              ← field: "Name: value"
/// Status: install ok installed     ← want flag state; only "ok installed" packages count
/// Architecture: all
/// Version: 22.4.2-1+deb12u1        ← [epoch:]upstream[-revision]
/// Description: initialization …
///  continuation line               ← starts with a space or tab
///                                  ← a blank line ends the paragraph
/// ```
/// deb-control(5), dpkg(1) "Information about packages", Debian Policy 5.1 "Syntax of control files".
/// Parsing never throws on content: malformed lines and incomplete paragraphs are skipped and
/// recorded in `problems`, so a truncated file still yields the packages before the damage.
public struct DpkgStatus: Sendable {
    /// Installed packages, in file order.
    public let packages: [InstalledPackage]
    /// Lines or paragraphs that were skipped, with the reason (`"line 41: not a field"`).
    public let problems: [String]
    /// The byte offset in the file of the line or paragraph the first problem names; nil when
    /// there is none.
    public let firstProblemOffset: Int?

    /// At most this many problems are kept (a binary file would otherwise give one per line).
    public static let maximumProblems = 20

    /// Parses the bytes of a status file.
    ///
    /// Only the fields `package(from:)` reads become strings (their names lowercased as ASCII,
    /// as dpkg compares them); the others, most of a status file, are only checked to be fields.
    public init(_ bytes: [UInt8]) {
        var packages: [InstalledPackage] = []
        var problems: [String] = []
        var firstProblemOffset: Int?
        var fields: [(String, String)] = []
        var fieldCount = 0  // fields of the paragraph, read or not
        var lastFieldRead = false  // whether a continuation line belongs to a field kept in `fields`
        var paragraphLine = 1
        var paragraphOffset = 0
        var lineNumber = 0
        func note(_ p: String, at offset: Int) {
            if firstProblemOffset == nil { firstProblemOffset = offset }
            if problems.count < DpkgStatus.maximumProblems { problems.append(p) }
        }
        func finish() {
            defer {
                fields = []
                fieldCount = 0
            }
            guard fieldCount > 0 else { return }
            switch DpkgStatus.package(from: fields) {
            case .success(let p?): packages.append(p)
            case .success(nil): break
            case .failure(let why): note("paragraph at line \(paragraphLine): \(why.reason)", at: paragraphOffset)
            }
        }
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            let raw = bytes[start..<end]
            let atEOF = end >= bytes.count
            start = end + 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                finish()
                paragraphLine = lineNumber + 1
                paragraphOffset = start
                if atEOF { break }
                continue
            }
            let continuation = raw.first == 0x20 || raw.first == 0x09
            if raw.contains(0) {
                note("line \(lineNumber): binary content", at: raw.startIndex)
                fields = []
                fieldCount = 0
                if atEOF { break }
                continue
            }
            if continuation {
                // Continuation lines of the fields nobody reads (Description, Conffiles: most of
                // the file) are skipped unread, not appended to a string that is thrown away.
                if fieldCount == 0 {
                    note("line \(lineNumber): continuation line without a field", at: raw.startIndex)
                } else if lastFieldRead, let last = fields.popLast() {
                    fields.append((last.0, last.1 + "\n" + raw.trimmingASCIIWhitespace().string))
                }
            } else if let colon = raw.firstIndex(of: UInt8(ascii: ":")) {
                let name = Self.readFieldName(raw[..<colon].trimmingASCIIWhitespace())
                fieldCount += 1
                lastFieldRead = name != nil
                if let name { fields.append((name, raw[(colon + 1)...].trimmingASCIIWhitespace().string)) }
            } else {
                // The paragraph is damaged (truncated mid-field): drop it rather than guess.
                if !fields.contains(where: { $0.0 == "damaged" }) {
                    let line = raw.string
                    fields = [("damaged", "line \(lineNumber) '\(line.prefix(40))' is not a field")] + fields
                    if fieldCount == 0 { lastFieldRead = true }  // the marker is the paragraph's last field
                    fieldCount += 1
                }
            }
            if atEOF { break }
        }
        finish()
        self.packages = packages
        self.problems = problems
        self.firstProblemOffset = firstProblemOffset
    }

    struct Reason: Error { let reason: String }

    /// The fields `package(from:)` reads (lowercased), whose continuation lines are kept.
    static let fieldsRead = ["package", "status", "version", "architecture", "damaged"]

    /// The name of a field `package(from:)` reads, lowercased as ASCII; nil for any other field
    /// (no string is made for those unless the name is as short as one read).
    static func readFieldName(_ name: ArraySlice<UInt8>) -> String? {
        // Compared as bytes, ASCII case folded, with the names of the same length only: a
        // paragraph has some fifteen fields and this reads five (a String and a Set lookup for
        // each field was 1,200 instructions).
        for (field, bytes) in fieldNameBytes where bytes.count == name.count {
            if zip(bytes, name).allSatisfy({ $0 == ($1 >= 0x41 && $1 <= 0x5A ? $1 | 0x20 : $1) }) { return field }
        }
        return nil
    }

    static let fieldNameBytes = fieldsRead.map { ($0, Array($0.utf8)) }

    /// The installed package a paragraph describes; nil when it is not installed. `fields` holds
    /// the fields read, by lowercased name, in file order.
    static func package(from fields: [(String, String)]) -> Result<InstalledPackage?, Reason> {
        func field(_ n: String) -> String? { fields.first { $0.0 == n }?.1 }
        if let damage = field("damaged") {
            let who = field("package").map { "\($0): " } ?? ""
            return .failure(Reason(reason: "\(who)damaged: \(damage), skipped"))
        }
        guard let name = field("package"), !name.isEmpty else { return .failure(Reason(reason: "no Package field")) }
        guard let status = field("status") else { return .failure(Reason(reason: "\(name): no Status field")) }
        let words = status.utf8.split(separator: UInt8(ascii: " ")).map { Substring($0) }
        // want flag state (dpkg-query(1) "Status"): the want may be install or hold; the
        // package is installed only in state "installed" with flag "ok".
        guard words.count == 3, words[1] == "ok", words[2] == "installed" else { return .success(nil) }
        guard let version = field("version"), !version.isEmpty else {
            return .failure(Reason(reason: "\(name): installed without a Version field (truncated?)"))
        }
        let v = DpkgVersion(version)
        let epoch: Int? = version.utf8.contains(UInt8(ascii: ":")) ? Int(exactly: v.epoch) : nil
        return .success(
            InstalledPackage(
                manager: .dpkg, name: name, epoch: epoch, version: v.upstream,
                release: v.revision.isEmpty ? nil : v.revision, architecture: field("architecture")))
    }
}
