import BlockIO
import PackageDatabases

/// Which kernel the bootloader boots by default, when the image says so: GRUB's `grub.cfg`
/// (`set default=`, `menuentry`/`submenu` order, `saved_entry` from `grubenv`), BLS entries
/// (`/boot/loader/entries/*.conf`, the highest version first, as GRUB's `blscfg` sorts them), or
/// `/etc/default/grub` `GRUB_DEFAULT` when there is no grub.cfg. Marks each kernel's `isDefault`.
public struct BootLoaderInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "bootloader"
    /// GRUB configurations read first (then `/boot/efi/EFI/*/grub.cfg`).
    public static let grubConfigs = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"]
    static let grubEnvironments = ["/boot/grub/grubenv", "/boot/grub2/grubenv"]
    static let blsDirectory = "/boot/loader/entries"

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.grubConfigs + Self.grubEnvironments + [
                "/boot/efi/EFI/*/grub.cfg", "/boot/efi/EFI/*/grubenv", "/boot/loader/entries/*.conf",
                "/etc/default/grub", "/etc/kernel/cmdline",
            ])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var boot = BootFacts()
        do {
            boot = try decide(tree, kernels: facts.kernels.map(\.release))
        } catch let e as ImageError {
            boot.unknownReason = e.detail
        }
        if boot.commandLine == nil {
            do {
                try fallbackCommandLine(tree, into: &boot)
            } catch let e as ImageError {
                facts.problems.append(InspectionProblem(inspector: name, reason: "kernel command line: \(e.detail)"))
            }
        }
        facts.boot = boot
        for i in facts.kernels.indices {
            facts.kernels[i].isDefault = boot.defaultRelease.map { $0 == facts.kernels[i].release }
        }
    }

    func decide(_ tree: GuestTree, kernels: [String]) throws -> BootFacts {
        var evidence: [Evidence] = []
        var saved: String?
        for path in Self.grubEnvironments + (try tree.expand("/boot/efi/EFI/*/grubenv")) {
            guard let f = try tree.text(path, limit: 64 << 10) else { continue }
            evidence.append(.path(path))
            for line in f.text.activeLines where line.hasPrefix("saved_entry=") {
                saved = String(line.dropFirst("saved_entry=".count))
            }
            break
        }
        let configs = Self.grubConfigs + (try tree.expand("/boot/efi/EFI/*/grub.cfg"))
        for path in configs {
            guard let f = try tree.text(path) else { continue }
            let menu = GrubMenu(f.text)
            guard !menu.items.isEmpty || menu.usesBLS else { continue }
            evidence.append(.path(path))
            var value = menu.defaultValue ?? "0"
            var how = "\(path) set default=\"\(value)\""
            if value.contains("saved_entry") {
                value = saved ?? "0"
                how += ", grubenv saved_entry=\"\(saved ?? "")\""
            }
            if menu.usesBLS {
                return try decideBLS(tree, saved: value, how: how, evidence: evidence)
            }
            guard let entry = menu.entry(for: value) else {
                return BootFacts(evidence: evidence, unknownReason: "\(how) names no menu entry")
            }
            guard let release = try release(tree, linux: entry.linux) else {
                return BootFacts(
                    evidence: evidence, unknownReason: "\(how): entry '\(entry.title)' boots no vmlinuz-<release>")
            }
            var boot = BootFacts(defaultRelease: release, how: how + ": '\(entry.title)'", evidence: evidence)
            if let arguments = entry.arguments {
                boot.commandLine = arguments
                boot.commandLineSource = .path(path + (entry.linuxLine.map { ":\($0)" } ?? ""))
            }
            return boot
        }
        if let f = try tree.text("/etc/default/grub") {
            evidence.append(.path("/etc/default/grub"))
            var value: String?
            for line in f.text.activeLines where line.hasPrefix("GRUB_DEFAULT=") {
                value = String(line.dropFirst("GRUB_DEFAULT=".count)).trimmingCharacters(in: "\"'")
            }
            if (value ?? "0") == "0" {
                // grub-mkconfig lists kernels newest first: entry 0 is the highest version.
                let newest = kernels.max { DpkgVersion.compare($0, $1) < 0 }
                return BootFacts(
                    defaultRelease: newest, how: "no grub.cfg; GRUB_DEFAULT=\(value ?? "0"): the newest kernel",
                    evidence: evidence, unknownReason: newest == nil ? "no kernel" : nil)
            }
            return BootFacts(
                evidence: evidence, unknownReason: "no grub.cfg; GRUB_DEFAULT=\(value ?? "") cannot be resolved offline"
            )
        }
        if try tree.list(Self.blsDirectory) != nil {
            return try decideBLS(tree, saved: saved ?? "", how: "BLS entries without grub.cfg", evidence: evidence)
        }
        return BootFacts(evidence: evidence, unknownReason: "no grub.cfg, BLS entries or /etc/default/grub")
    }

    func decideBLS(_ tree: GuestTree, saved: String, how: String, evidence: [Evidence]) throws -> BootFacts {
        var evidence = evidence
        var entries: [(id: String, path: String, linux: String?, options: String?)] = []
        for path in try tree.glob(Self.blsDirectory, "*.conf") {
            guard let f = try tree.text(path, limit: 64 << 10) else { continue }
            let linux = f.text.activeLines.first { $0.hasPrefix("linux ") || $0.hasPrefix("linux\t") }?.words
                .dropFirst().first
            let options = f.text.activeLines.first { $0.hasPrefix("options ") || $0.hasPrefix("options\t") }
                .map { $0.words.dropFirst().joined(separator: " ") }
            let id = String(path.split(separator: "/").last?.dropLast(5) ?? "")
            entries.append((id, path, linux, options))
        }
        // blscfg sorts entries by their name with rpm's version order, highest first.
        entries.sort { RPMVersion.vercmp($0.id, $1.id) > 0 }
        guard !entries.isEmpty else { return BootFacts(evidence: evidence, unknownReason: "\(how) but no BLS entries") }
        let chosen =
            entries.first { $0.id == saved } ?? (Int(saved).flatMap { $0 < entries.count ? entries[$0] : nil })
            ?? entries[0]
        evidence.append(.path(chosen.path))
        guard let release = try release(tree, linux: chosen.linux) else {
            return BootFacts(evidence: evidence, unknownReason: "BLS entry \(chosen.path) boots no vmlinuz-<release>")
        }
        var boot = BootFacts(defaultRelease: release, how: how + ": BLS entry \(chosen.id)", evidence: evidence)
        if var options = chosen.options {
            // RHEL 8 entries say `options $kernelopts`, set in grubenv.
            if options.contains("$kernelopts"), let kernelopts = try grubEnvironment(tree)["kernelopts"] {
                options = options.replacing("$kernelopts", with: kernelopts)
            }
            boot.commandLine = options
            boot.commandLineSource = .path(chosen.path)
        }
        return boot
    }

    /// The release in a `linux` path (`/boot/vmlinuz-6.1.0-28-cloud-amd64`, `/vmlinuz-…`), following
    /// a link such as `/vmlinuz` → `boot/vmlinuz-…`.
    func release(_ tree: GuestTree, linux: String?) throws -> String? {
        guard let linux else { return nil }
        var name = String(linux.split(separator: "/").last ?? "")
        if !name.hasPrefix("vmlinuz-") {
            for candidate in [linux, "/boot" + linux] {
                if let c = try? tree.canonical(candidate) {
                    name = String(c.split(separator: "/").last ?? "")
                    break
                }
            }
        }
        guard name.hasPrefix("vmlinuz-") else { return nil }
        return String(name.dropFirst("vmlinuz-".count))
    }
}

extension BootLoaderInspector {
    /// `key=value` lines of the first grubenv found.
    func grubEnvironment(_ tree: GuestTree) throws -> [String: String] {
        for path in Self.grubEnvironments + (try tree.expand("/boot/efi/EFI/*/grubenv")) {
            guard let f = try tree.text(path, limit: 64 << 10) else { continue }
            var out: [String: String] = [:]
            for line in f.text.activeLines {
                guard let eq = line.firstIndex(of: "=") else { continue }
                out[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return out
        }
        return [:]
    }

    /// No entry gave a command line: `/etc/kernel/cmdline` (what kernel-install and BLS use), then
    /// `/etc/default/grub` (what grub-mkconfig would write into every entry).
    func fallbackCommandLine(_ tree: GuestTree, into boot: inout BootFacts) throws {
        if let f = try tree.text("/etc/kernel/cmdline", limit: 64 << 10) {
            boot.commandLine = f.text.activeLines.joined(separator: " ")
            boot.commandLineSource = .path("/etc/kernel/cmdline")
            return
        }
        guard let f = try tree.text("/etc/default/grub", limit: 1 << 20) else { return }
        var linux = ""
        var linuxDefault = ""
        for line in f.text.activeLines {
            if line.hasPrefix("GRUB_CMDLINE_LINUX=") {
                linux = String(line.dropFirst("GRUB_CMDLINE_LINUX=".count)).trimmingCharacters(in: "\"'")
            } else if line.hasPrefix("GRUB_CMDLINE_LINUX_DEFAULT=") {
                linuxDefault = String(line.dropFirst("GRUB_CMDLINE_LINUX_DEFAULT=".count)).trimmingCharacters(in: "\"'")
            }
        }
        boot.commandLine = [linux, linuxDefault].filter { !$0.isEmpty }.joined(separator: " ")
        boot.commandLineSource = .path("/etc/default/grub")
    }
}

/// The menu of a `grub.cfg`: top-level entries and submenus, and the `set default=` value.
struct GrubMenu {
    struct Entry {
        var title: String
        var id: String?
        var linux: String?
        /// The words of the `linux` line after the path: the kernel command line.
        var arguments: String?
        /// The 1-based line of the file the `linux` line is on.
        var linuxLine: Int?
    }
    enum Item {
        case entry(Entry)
        case submenu(title: String, id: String?, entries: [Entry])
    }

    var items: [Item] = []
    /// The last `set default=` that does not use `next_entry` (grub-mkconfig's one-shot boot).
    var defaultValue: String?
    /// The menu comes from BLS entries (`blscfg`).
    var usesBLS = false
    static let maximumItems = 4096

    init(_ text: String) {
        var stack:
            [(
                kind: String, title: String, id: String?, entries: [Entry], linux: String?, arguments: String?,
                line: Int?
            )] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(200_000) {
            number += 1
            let line = String(raw).trimmingASCIIWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let w = GrubMenu.tokens(line)
            guard let first = w.first else { continue }
            if first == "blscfg" { usesBLS = true }
            if first == "set", w.count >= 2, w[1].hasPrefix("default=") {
                let v = String(w[1].dropFirst("default=".count))
                if !v.contains("next_entry") { defaultValue = v }
            }
            if first == "menuentry" || first == "submenu" {
                let title = w.count > 1 ? w[1] : ""
                var id: String?
                if let k = w.firstIndex(where: { $0 == "--id" || $0.hasPrefix("$menuentry_id_option") }),
                    k + 1 < w.count
                {
                    id = w[k + 1]
                }
                stack.append((first, title, id, [], nil, nil, nil))
                if !line.hasSuffix("{") { continue }
                continue
            }
            if first == "linux" || first == "linuxefi" || first == "linux16", w.count > 1, !stack.isEmpty {
                stack[stack.count - 1].linux = w[1]
                stack[stack.count - 1].arguments = w.dropFirst(2).joined(separator: " ")
                stack[stack.count - 1].line = number
            }
            if line == "}" || line.hasSuffix(" }"), let top = stack.popLast() {
                guard items.count < GrubMenu.maximumItems else { continue }
                if top.kind == "menuentry" {
                    let e = Entry(
                        title: top.title, id: top.id, linux: top.linux, arguments: top.arguments, linuxLine: top.line)
                    if stack.isEmpty {
                        items.append(.entry(e))
                    } else {
                        stack[stack.count - 1].entries.append(e)
                    }
                } else if stack.isEmpty {
                    items.append(.submenu(title: top.title, id: top.id, entries: top.entries))
                }
            }
        }
    }

    /// Words of a line, quotes removed (`'…'` and `"…"`).
    static func tokens(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        var has = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                has = true
            } else if c == " " || c == "\t" {
                if has || !current.isEmpty { out.append(current) }
                current = ""
                has = false
            } else {
                current.append(c)
            }
        }
        if has || !current.isEmpty { out.append(current) }
        return out
    }

    /// The entry a `default` value selects: an index, a title, an id, or a `>`-separated path.
    func entry(for value: String) -> Entry? {
        let parts = value.split(separator: ">").map(String.init)
        guard let first = parts.first else { return nil }
        func matches(_ title: String, _ id: String?, _ v: String) -> Bool { title == v || id == v }
        var item: Item?
        if let n = Int(first) {
            item = n >= 0 && n < items.count ? items[n] : nil
        } else {
            item = items.first {
                switch $0 {
                case .entry(let e): matches(e.title, e.id, first)
                case .submenu(let t, let id, _): matches(t, id, first)
                }
            }
        }
        switch item {
        case .entry(let e)?: return parts.count == 1 ? e : nil
        case .submenu(_, _, let entries)?:
            guard parts.count == 2 else { return nil }
            if let n = Int(parts[1]) { return n >= 0 && n < entries.count ? entries[n] : nil }
            return entries.first { matches($0.title, $0.id, parts[1]) }
        case nil: return nil
        }
    }
}

extension String {
    /// The string without the given characters at either end.
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
