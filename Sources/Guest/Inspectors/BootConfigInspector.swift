import BlockIO

/// `/etc/fstab` and the module blocks of `/etc/modprobe.d/*.conf` (profile `azure-image`).
public struct BootConfigInspector: Inspector {
    public let name = "boot-config"
    static let modprobeDirectory = "/etc/modprobe.d"

    public var interest: GuestInterest { GuestInterest(["/etc/fstab", "/etc/modprobe.d/*.conf"]) }

    public init() {}

    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        do {
            if let f = try tree.text("/etc/fstab") {
                facts.fstab = FstabFacts(evidence: [.path("/etc/fstab")], entries: FstabEntry.parse(f.text))
            }
        } catch let e as ImageError {
            facts.fstab = FstabFacts(evidence: [.path("/etc/fstab")], unreadable: e.detail)
        }
        var modprobe = ModprobeFacts()
        for path in try tree.glob(Self.modprobeDirectory, "*.conf").sorted() {
            do {
                guard let f = try tree.text(path, limit: 1 << 20) else { continue }
                modprobe.files.append(.path(path))
                modprobe.blocks += Self.blocks(f.text, path: path)
            } catch let e as ImageError {
                modprobe.problems.append("\(path): \(e.detail)")
            }
        }
        facts.modprobe = modprobe
    }

    /// Commands `install NAME CMD` uses to make loading NAME a no-op.
    static let noOpCommands: Set<String> = [
        "/bin/false", "/bin/true", "/usr/bin/false", "/usr/bin/true", "false", "true",
    ]

    /// `blacklist NAME` and `install NAME <no-op>` lines (modprobe.d(5)), comments and blank lines
    /// skipped, continuation lines joined.
    static func blocks(_ text: String, path: String) -> [ModprobeBlock] {
        var out: [ModprobeBlock] = []
        var pending = ""
        var startLine = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw).trimmingASCIIWhitespace()
            if pending.isEmpty { startLine = i + 1 }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line + " "
                continue
            }
            line = (pending + line).trimmingASCIIWhitespace()
            pending = ""
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let w = line.words
            guard w.count >= 2 else { continue }
            let module = w[1].replacingDashes()
            if w[0] == "blacklist" || (w[0] == "install" && w.count >= 3 && noOpCommands.contains(w[2])) {
                out.append(ModprobeBlock(module: module, line: line, evidence: .path("\(path):\(startLine)")))
            }
        }
        return out
    }
}
