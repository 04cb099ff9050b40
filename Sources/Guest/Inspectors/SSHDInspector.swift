import BlockIO

/// OpenSSH's server: package, program, units, and `/etc/ssh/sshd_config` with its `Include`s
/// read as sshd reads them (sshd_config(5)): keywords are case-insensitive, the first value of a
/// keyword wins, `Include` reads its files in place (glob results in name order, relative paths
/// under `/etc/ssh`), and lines after a `Match` (until `Match all` or the end of the file that
/// holds it) are conditional, so they do not set the global value.
public struct SSHDInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "sshd"
    /// The main configuration file.
    public static let mainFile = "/etc/ssh/sshd_config"
    static let binaries = ["/usr/sbin/sshd", "/usr/bin/sshd"]
    /// The unit names: Debian and Ubuntu (`ssh`), RPM distributions (`sshd`), socket activation.
    public static let unitNames = ["ssh.service", "sshd.service", "ssh.socket", "sshd.socket"]
    /// The keywords whose global value is recorded, as sshd_config(5) spells them.
    public static let keywordsOfInterest = [
        "ClientAliveInterval", "ClientAliveCountMax", "PasswordAuthentication", "PermitRootLogin",
    ]
    /// sshd's own limit on nested `Include`s.
    static let maximumDepth = 16
    /// At most this many configuration files are read in all.
    static let maximumFiles = 256

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            // An absolute Include outside /etc/ssh is not kept by a tarball's pass: it costs one more.
            Self.binaries + [Self.mainFile, "/etc/ssh/**"]
                + SystemdUnitsInspector.unitDirectories.flatMap { d in Self.unitNames.map { d + "/" + $0 } })
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Fills `facts.sshd` (after the package database and the systemd units).
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var s = SSHDFacts()
        s.package = facts.package(named: "openssh-server")
        do {
            s.binaries += try tree.programs(Self.binaries).map { .path($0.path) }
            s.units += try SystemdUnitsInspector.installedUnits(tree, Self.unitNames, known: facts.network.units).map(
                \.unit)
        } catch let e as ImageError {
            s.problems.append(e.detail)
        }
        var found: [String: SSHDSetting] = [:]
        read(tree, Self.mainFile, global: true, depth: 0, into: &s, settings: &found)
        s.settings = found.values.sorted()
        facts.sshd = s
    }

    func read(
        _ tree: GuestTree, _ path: String, global: Bool, depth: Int, into s: inout SSHDFacts,
        settings: inout [String: SSHDSetting]
    ) {
        guard depth <= Self.maximumDepth else {
            s.problems.append("\(path): Include nested more than \(Self.maximumDepth) levels")
            return
        }
        guard s.files.count < Self.maximumFiles else { return }
        guard let text = tree.text(path, problems: &s.problems) else { return }
        s.files.append(.path(path))
        // A Match inside this file ends with it: sshd restores the includer's state after an Include.
        var active = global
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let (keyword, value) = Self.keywordLine(String(raw)) else { continue }
            switch keyword.lowercased() {
            case "match":
                active = value.lowercased() == "all" && global
            case "include":
                for pattern in value.words.map(Self.unquoted) {
                    let absolute = pattern.hasPrefix("/") ? pattern : "/etc/ssh/" + pattern
                    do {
                        for file in try tree.expand(absolute) {
                            read(tree, file, global: active, depth: depth + 1, into: &s, settings: &settings)
                        }
                    } catch let e as ImageError {
                        s.problems.append("\(path):\(n + 1): Include \(pattern): \(e.detail)")
                    } catch {
                        s.problems.append("\(path):\(n + 1): Include \(pattern): \(error)")
                    }
                }
            case let k:
                guard active, let name = Self.keywordsOfInterest.first(where: { $0.lowercased() == k }),
                    settings[name] == nil
                else { continue }
                settings[name] = SSHDSetting(keyword: name, value: value, path: .path(path), line: n + 1)
            }
        }
    }

    /// The keyword and its arguments (`Keyword value`, `Keyword=value`); nil for blank and `#` lines.
    /// Arguments end at a word that starts with `#` (OpenSSH 8.7 and later allow trailing comments).
    static func keywordLine(_ raw: String) -> (String, String)? {
        let line = raw.trimmingASCIIWhitespace()
        guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
        guard let end = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { return (line, "") }
        var rest = line[end...].drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" { rest = rest.dropFirst() }
        let arguments = String(rest).words.prefix { !$0.hasPrefix("#") }
        return (String(line[..<end]), arguments.joined(separator: " "))
    }

    static func unquoted(_ s: String) -> String {
        s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") ? String(s.dropFirst().dropLast()) : s
    }

    /// An sshd time value in seconds (sshd_config(5) "TIME FORMATS": `90`, `3m`, `1h30m`), nil
    /// when malformed or beyond `Int32.max` seconds (sshd rejects those too).
    public static func seconds(_ text: String) -> Int? {
        let limit = Int(Int32.max)
        var total = 0
        var number: Int?
        for c in text {
            if let d = c.wholeNumberValue, c.isASCII {
                let next = (number ?? 0) * 10 + d
                guard next <= limit else { return nil }
                number = next
                continue
            }
            let multiplier: Int
            switch c {
            case "s", "S": multiplier = 1
            case "m", "M": multiplier = 60
            case "h", "H": multiplier = 3600
            case "d", "D": multiplier = 86400
            case "w", "W": multiplier = 604800
            default: return nil
            }
            guard let n = number, n <= limit / multiplier, total <= limit - n * multiplier else { return nil }
            total += n * multiplier
            number = nil
        }
        if let n = number {
            guard total <= limit - n else { return nil }
            total += n
        } else if text.isEmpty {
            return nil
        }
        return total
    }
}
