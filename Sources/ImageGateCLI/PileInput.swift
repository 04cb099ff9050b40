import ArgumentParser
import Foundation

/// The images of one `check` run: the arguments, then the lines of `--from`, each with its input
/// index, filtered to this process's shard.
///
/// Only the names are held (a few bytes each, so a list of a hundred thousand is fine); every
/// image is opened when a job slot takes it and closed when its report is written, so at most
/// `--jobs` images are open at once.
struct PileInput {
    struct Entry: Equatable {
        /// 0-based position in the whole input, before sharding.
        var index: Int
        var path: String
    }

    var entries: [Entry]
    /// The input is a pile (several images, or a list): each image gets an index, a worker and
    /// a line in the summary. A single image argument is checked as before.
    var isPile: Bool

    init(arguments: [String], fromFile: String?, shard: Shard?) throws {
        var all = arguments
        if let fromFile { all += try Self.readList(fromFile) }
        isPile = all.count > 1 || fromFile != nil
        entries = all.enumerated().map { Entry(index: $0.offset, path: $0.element) }.filter {
            shard?.contains($0.index) ?? true
        }
    }

    /// The entries of a list: one a line, surrounding blanks trimmed; a line whose first
    /// non-blank character is `#` is a comment. Only whole lines are comments, so a path or URL
    /// holding `#` is taken as written.
    static func parseList(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }.compactMap { line in
            let entry = line.trimmingCharacters(in: .whitespaces)
            return entry.isEmpty || entry.hasPrefix("#") ? nil : entry
        }
    }

    static func readList(_ file: String) throws -> [String] {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: file) else {
                throw ValidationError("--from \(file): cannot read the file")
            }
            data = d
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--from \(file): not UTF-8 text")
        }
        return parseList(text)
    }
}
