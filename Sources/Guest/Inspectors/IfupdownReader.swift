import BlockIO

/// ifupdown's `/etc/network/interfaces` (interfaces(5)) with its `source` and `source-directory`
/// files, read with a depth and file-count bound: the interfaces it configures (`auto`,
/// `allow-*`, `iface`; `lo` excluded) and `pre-up`/`up`/`post-up` lines that run `dhclient`.
struct IfupdownReader {
    static let mainFile = "/etc/network/interfaces"
    static let maximumDepth = 8
    static let maximumFiles = 256

    var interfaces: [String] = []
    var files: [String] = []
    var dhclientCalls: [DhclientCallFacts] = []
    var problems: [String] = []
    private var visited = Set<String>()

    mutating func read(_ tree: GuestTree) {
        read(tree, Self.mainFile, depth: 0)
        interfaces = Array(Set(interfaces)).filter { $0 != "lo" }.sorted()
    }

    private mutating func read(_ tree: GuestTree, _ path: String, depth: Int) {
        guard depth <= Self.maximumDepth else {
            problems.append("\(path): sourced more than \(Self.maximumDepth) levels deep, not read")
            return
        }
        guard files.count < Self.maximumFiles else {
            problems.append("\(path): more than \(Self.maximumFiles) interfaces files, not read")
            return
        }
        let file: TextFile
        do {
            guard let f = try tree.text(path) else { return }
            file = f
        } catch let e as ImageError {
            problems.append(e.detail)
            return
        } catch {
            problems.append("\(path): \(error)")
            return
        }
        guard visited.insert(file.resolved).inserted else { return }
        files.append(path)
        var current: String?
        var lineNumber = 0
        for raw in Self.joinedLines(file.text) {
            lineNumber += 1
            let w = raw.words
            guard let first = w.first, !first.hasPrefix("#") else { continue }
            switch first {
            case "auto", "allow-hotplug", "allow-auto":
                interfaces += w.dropFirst()
            case _ where first.hasPrefix("allow-"):
                interfaces += w.dropFirst()
            case "iface":
                current = w.count > 1 ? w[1] : nil
                if let c = current { interfaces.append(c) }
            case "mapping":
                current = nil
            case "source":
                for pattern in w.dropFirst() {
                    for p in expand(tree, pattern) { read(tree, p, depth: depth + 1) }
                }
            case "source-directory":
                for dir in w.dropFirst() {
                    let d = absolute(dir)
                    // interfaces(5): only names of letters, digits, `_` and `-` are read.
                    let names = ((try? tree.list(d)) ?? nil)?.map(\.name) ?? []
                    for n in names where n.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                        read(tree, d + "/" + n, depth: depth + 1)
                    }
                }
            case "pre-up", "up", "post-up":
                let command = w.dropFirst().joined(separator: " ")
                for call in DhclientCommand.calls(in: command, instance: current, variables: ["IFACE": current ?? ""]) {
                    dhclientCalls.append(
                        DhclientCallFacts(
                            evidence: [.path(path), .structure("\(path) line \(lineNumber)")], command: command,
                            interfaces: call))
                }
            default:
                break
            }
        }
    }

    /// Paths relative to `/etc/network`, as ifup resolves them.
    private func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : "/etc/network/" + p }

    /// A `source` argument: a path whose last component may hold wildcards.
    private func expand(_ tree: GuestTree, _ pattern: String) -> [String] {
        let p = absolute(pattern)
        guard p.contains("*") || p.contains("?") else { return [p] }
        let parts = p.split(separator: "/")
        let dir = "/" + parts.dropLast().joined(separator: "/")
        return (try? tree.glob(dir, String(parts.last ?? ""))) ?? []
    }

    /// Lines with `\` continuations joined (line numbers then count joined lines as one).
    static func joinedLines(_ text: String) -> [String] {
        var out: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).trimmingASCIIWhitespace()
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            out.append(pending + line)
            pending = ""
        }
        if !pending.isEmpty { out.append(pending) }
        return out
    }
}

/// Finds `dhclient` invocations in a shell or `ExecStart=` command line.
enum DhclientCommand {
    /// dhclient(8) options that take a value.
    static let optionsWithValue: Set<String> = [
        "-p", "-s", "-g", "-cf", "-lf", "-pf", "-sf", "-e", "-D", "-df", "--prefix-len-hint",
    ]

    /// For each dhclient started by `command`: the interfaces it names (empty: every interface).
    /// Calls that release or stop (`-r`, `-x`) are not counted.
    static func calls(in command: String, instance: String?, variables: [String: String]) -> [[String]] {
        var out: [[String]] = []
        var words: [String] = []
        for w in command.words {
            var s = w
            for (k, v) in variables where !v.isEmpty {
                s = s.replacing("${\(k)}", with: v).replacing("$\(k)", with: v)
            }
            if let i = instance { s = s.replacing("%i", with: i).replacing("%I", with: i) }
            words.append(s)
        }
        var k = 0
        while k < words.count {
            let program = words[k].trimmingCharacters(in: "-@+!:\"'(")
            let base = program.split(separator: "/").last.map(String.init) ?? program
            guard base == "dhclient" || base == "dhclient3" else {
                k += 1
                continue
            }
            var interfaces: [String] = []
            var stops = false
            k += 1
            while k < words.count {
                let a = words[k]
                if [";", "&&", "||", "|", "&"].contains(a) || a.hasSuffix(";") && a.count == 1 { break }
                if a == "-r" || a == "-x" { stops = true }
                if optionsWithValue.contains(a) {
                    k += 2
                    continue
                }
                let clean = a.trimmingCharacters(in: ";\"')")
                if !a.hasPrefix("-"), !clean.isEmpty { interfaces.append(clean) }
                k += 1
                if a.hasSuffix(";") { break }
            }
            if !stops { out.append(Array(Set(interfaces)).sorted()) }
        }
        return out
    }
}
