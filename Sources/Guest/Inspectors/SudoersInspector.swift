import BlockIO

/// Reads `/etc/sudoers` and follows its `@include`/`#include` and `@includedir`/`#includedir`
/// lines as sudoers(5) says: a relative path is relative to the including file's folder, an
/// included folder's files are read in name order, skipping names that end in `~` or hold a `.`.
/// Only included files count: a file in `/etc/sudoers.d` that nothing includes is not policy.
public struct SudoersInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "sudoers"
    static let main = "/etc/sudoers"
    /// sudo stops at 128 nested includes; an image needs far fewer.
    static let maximumDepth = 8
    /// At most this many files are read in all.
    static let maximumFiles = 256

    /// The guest paths this inspector reads.
    public var interest: GuestInterest { GuestInterest([Self.main, "/etc/sudoers.d/*", "/etc/sudoers.d/**"]) }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Fills `facts.sudoers`.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var out = SudoersFacts()
        read(tree, Self.main, depth: 0, into: &out)
        facts.sudoers = out
    }

    func read(_ tree: GuestTree, _ path: String, depth: Int, into out: inout SudoersFacts) {
        guard depth <= Self.maximumDepth else {
            out.problems.append("\(path): included more than \(Self.maximumDepth) levels deep")
            return
        }
        guard out.files.count < Self.maximumFiles, !out.files.contains(.path(path)) else { return }
        guard let text = tree.text(path, problems: &out.problems) else { return }
        out.files.append(.path(path))
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        for (line, content) in Self.logicalLines(text) {
            let words = content.words
            guard let first = words.first else { continue }
            if ["#include", "@include", "#includedir", "@includedir"].contains(first), words.count >= 2 {
                let target = words[1].hasPrefix("/") ? words[1] : folder + "/" + words[1]
                if first.hasSuffix("dir") {
                    do {
                        let names = (try tree.list(target) ?? []).map(\.name)
                            .filter { !$0.hasSuffix("~") && !$0.contains(".") }.sorted()
                        for n in names { read(tree, target + "/" + n, depth: depth + 1, into: &out) }
                    } catch let e as ImageError {
                        out.problems.append("\(target): \(e.detail)")
                    } catch {
                        out.problems.append("\(target): \(error)")
                    }
                } else {
                    read(tree, target, depth: depth + 1, into: &out)
                }
                continue
            }
            let fact = SudoersLineFact(path: .path(path), line: line, text: words.joined(separator: " "))
            if Self.setsTargetpw(words) { out.targetpw.append(fact) }
            if Self.isAllUsersAll(content) { out.allUsersAll.append(fact) }
        }
    }

    /// Lines with `\` continuations joined and comments dropped, each with the line it starts on.
    /// `#` starts a comment unless it begins an include directive or a `#uid` user.
    static func logicalLines(_ text: String) -> [(Int, String)] {
        var out: [(Int, String)] = []
        var pending = ""
        var start = 0
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if pending.isEmpty { start = n + 1 }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            let joined = (pending + line).trimmingASCIIWhitespace()
            pending = ""
            let content = stripComment(joined)
            if !content.isEmpty { out.append((start, content)) }
        }
        return out
    }

    static func stripComment(_ line: String) -> String {
        if line.hasPrefix("#include") { return line }
        let chars = Array(line)
        for i in chars.indices where chars[i] == "#" && (i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t") {
            // `#1000 ALL=...` names a uid (and `Runas_Alias X = #0`): not a comment.
            if i + 1 < chars.count, chars[i + 1].isNumber { continue }
            return String(chars[..<i]).trimmingASCIIWhitespace()
        }
        return line
    }

    /// `Defaults`, `Defaults:user`, `Defaults>runas`, `Defaults@host` or `Defaults!cmd` with
    /// `targetpw` among its comma-separated parameters (`!targetpw` clears it).
    static func setsTargetpw(_ words: [String]) -> Bool {
        guard let first = words.first, first.hasPrefix("Defaults") else { return false }
        let binding = first.dropFirst("Defaults".count)
        guard binding.isEmpty || ":@!>".contains(binding.first ?? " ") else { return false }
        let parameters = words.dropFirst().joined(separator: " ")
        return parameters.split(separator: ",").contains { String($0).trimmingASCIIWhitespace() == "targetpw" }
    }

    /// `ALL ALL=(ALL) ALL` (also `(ALL:ALL)` and with `PASSWD:`/`NOPASSWD:` tags), blanks ignored.
    static func isAllUsersAll(_ line: String) -> Bool {
        let compact = line.filter { $0 != " " && $0 != "\t" }
        for prefix in ["ALLALL=(ALL)", "ALLALL=(ALL:ALL)"] where compact.hasPrefix(prefix) {
            let command = compact.dropFirst(prefix.count)
            if ["ALL", "PASSWD:ALL", "NOPASSWD:ALL"].contains(String(command)) { return true }
        }
        return false
    }
}
