import BlockIO
import FileSystems

/// For each kernel, how the six Accelerated Networking drivers are provided: a module file
/// (`.ko`, `.ko.xz`, `.ko.zst`, `.ko.gz`) anywhere below its modules directory, a line of
/// `modules.builtin`, or `=y` in its config (REQUIREMENTS.md `drivers`).
///
/// The modules directory is walked breadth-first listing directories only (module files are never
/// opened), without following symlinks (`build` and `source` point outside), and stops after
/// `maximumEntries` entries.
public struct DriverInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "drivers"
    /// Entries listed per kernel at most (a distribution kernel has about 6 000).
    public static let maximumEntries = 200_000
    static let maximumDirectories = 50_000
    static let moduleSuffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"]
    static let maximumConfigSize = 4 << 20

    /// It walks the kernels `KernelInspector` finds.
    public var prerequisites: [any Inspector] { [KernelInspector()] }

    /// No later inspector reads a kernel's drivers: the walk, a check's largest inspector, runs
    /// beside them.
    public var runsBesideLaterOnes: Bool { true }

    /// Each kernel's drivers and declared modules (its problems are put back by `GuestInspector`).
    public func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts) {
        for (i, k) in result.kernels.enumerated() where i < facts.kernels.count {
            facts.kernels[i].drivers = k.drivers
            facts.kernels[i].declaredModules = k.declaredModules
        }
    }

    /// The guest paths this inspector reads: the walk below a modules directory only lists
    /// names (which every file system, a tarball's included, keeps for all entries), so no
    /// module's bytes are asked for; `/lib/modules/*/**` kept the 120 MB of a Debian tarball's
    /// modules in memory.
    public var interest: GuestInterest {
        GuestInterest([
            "/lib/modules/*/modules.builtin", "/usr/lib/modules/*/modules.builtin", "/boot/config-*",
            "/lib/modules/*/config", "/usr/lib/modules/*/config",
        ])
    }

    /// Entries listed per kernel by this inspector (tests use a small bound).
    let entryLimit: Int
    /// Modules a policy declared (name with `_`, its config symbols), recorded in
    /// `KernelFacts.declaredModules` by the same walk.
    let declared: [(name: String, config: [String])]

    /// Creates the inspector with the default bound, looking for `declaredModules` too.
    public init(declaredModules: [String: [String]] = [:]) {
        entryLimit = Self.maximumEntries
        declared = declaredModules.map { ($0.key.replacingDashes(), $0.value) }.sorted { $0.name < $1.name }
    }

    init(entryLimit: Int) {
        self.entryLimit = entryLimit
        declared = []
    }

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        for i in facts.kernels.indices {
            facts.kernels[i] = try inspectKernel(tree, facts.kernels[i])
        }
    }

    /// `pci-hyperv.ko.xz` → `pci_hyperv`; nil for a file that is not a module. Compared as bytes
    /// (every regular file of a modules tree is asked, some 5,000: counting and comparing
    /// characters was a third of the walk's own work).
    static func moduleName(_ file: String) -> String? {
        let bytes = file.utf8
        for suffix in moduleSuffixBytes
        where bytes.count > suffix.count && bytes.reversed().starts(with: suffix.reversed()) {
            return String(Substring(bytes.dropLast(suffix.count))).replacingDashes()
        }
        return nil
    }

    static let moduleSuffixBytes = moduleSuffixes.map { Array($0.utf8) }

    func inspectKernel(_ tree: GuestTree, _ kernel: KernelFacts) throws -> KernelFacts {
        var k = kernel
        let dir = k.modulesDirectory.value
        let wanted = Set(DriverFacts.required.map(\.name) + declared.map(\.name))
        var files: [String: String] = [:]
        // Resolved once: the walk then lists directories of that one file system by inner path
        // (nothing mounts below a modules directory), without re-resolving each guest path.
        guard let top = try tree.resolve(dir), top.attributes.type == .directory else {
            k.problems.append("\(dir) is not a directory")
            return k
        }
        let fs = top.mount.fileSystem
        // Level by level, each level's directories listed side by side (`tree.readWidth`), the
        // listings then taken in queue order: the same breadth-first walk, entry bound and
        // first-found file as one reader going through the queue, in a round trip per level
        // instead of one per directory for an image behind a URL.
        var level: [(inner: FSPath, guest: String)] = [(top.path, dir)]
        var directories = 1
        var entries = 0
        walk: while !level.isEmpty {
            let listings = concurrentMap(level.map(\.inner), width: tree.readWidth) { inner in
                try fs.contents(ofDirectory: inner).sorted { $0.name < $1.name }
            }
            var next: [(inner: FSPath, guest: String)] = []
            for ((inner, guest), listing) in zip(level, listings) {
                let list: [DirectoryEntry]
                switch listing {
                case .success(let l): list = l
                case .failure(let e as ImageError):
                    k.problems.append("cannot list \(guest): \(e.detail)")
                    continue
                case .failure(let e): throw e
                }
                for e in list {
                    entries += 1
                    if entries > entryLimit {
                        k.problems.append("modules walk stopped after \(entryLimit) entries below \(dir)")
                        break walk
                    }
                    if e.type == .directory {
                        if directories < Self.maximumDirectories, let below = try? inner.appending(e.name) {
                            next.append((below, guest + "/" + e.name))
                            directories += 1
                        }
                    } else if e.type == .regular, let m = Self.moduleName(e.name), wanted.contains(m), files[m] == nil {
                        files[m] = guest + "/" + e.name
                    }
                }
            }
            level = next
        }
        var builtin = Set<String>()
        var builtinPath: String?
        for path in [dir + "/modules.builtin"] {
            do {
                guard let f = try tree.text(path, limit: Self.maximumConfigSize) else { continue }
                builtinPath = path
                for line in f.text.activeLines {
                    if let m = Self.moduleName(line.lastPathComponent) { builtin.insert(m) }
                }
            } catch let e as ImageError {
                k.problems.append("\(path): \(e.detail)")
            }
        }
        var config: [String: String] = [:]
        if let path = k.config?.value {
            do {
                if let f = try tree.text(path, limit: Self.maximumConfigSize) {
                    let symbols = DriverFacts.required.flatMap(\.config) + declared.flatMap(\.config)
                    config = Self.parseConfig(f.text, symbols: Set(symbols))
                }
            } catch let e as ImageError {
                k.problems.append("\(path): \(e.detail)")
            }
        }
        let found = Found(
            directory: dir, files: files, builtin: builtin, builtinPath: builtinPath, config: config,
            configFile: k.config)
        k.drivers = DriverFacts.required.map { found.presence($0.name, $0.config) }
        if !declared.isEmpty { k.declaredModules = declared.map { found.presence($0.name, $0.config) } }
        return k
    }

    /// `CONFIG_X=value` lines of a kernel config for the `symbols` asked (`# CONFIG_X is not
    /// set` lines are left out). Scanned as bytes, and only the symbols asked become strings: a
    /// config has some 10,000 lines and a check asks about a dozen. Lines are split at LF and
    /// trimmed of ASCII whitespace, a CR included.
    static func parseConfig(_ text: String, symbols: Set<String>) -> [String: String] {
        var out: [String: String] = [:]
        // The symbols asked by byte length: a line is compared only with those of its symbol's
        // length, and a string is made only for a match (a Set lookup per line was most of it).
        let wanted = symbols.map { (symbol: $0, bytes: Array($0.utf8)) }
        var byLength = [[Int]](repeating: [], count: 128)
        for (i, w) in wanted.enumerated() where w.bytes.count < byLength.count { byLength[w.bytes.count].append(i) }
        let prefix = Array("CONFIG_".utf8)
        text.forEachTrimmedLine { line in
            guard line.count > prefix.count, line.first == prefix[0], line.prefix(prefix.count).elementsEqual(prefix),
                let eq = line.firstIndex(of: UInt8(ascii: "=")), eq - line.startIndex < byLength.count
            else { return }
            for i in byLength[eq - line.startIndex] where line[..<eq].elementsEqual(wanted[i].bytes) {
                out[wanted[i].symbol] = String(decoding: line[(eq + 1)...], as: UTF8.self)
            }
        }
        return out
    }
}

/// What one kernel's walk found, from which each module's presence is told.
private struct Found {
    let directory: String
    let files: [String: String]
    let builtin: Set<String>
    let builtinPath: String?
    let config: [String: String]
    let configFile: Evidence?

    /// How module `name` (built in by `symbols`) is present: a file, a `modules.builtin` line,
    /// every symbol `=y`, or missing with the reason.
    func presence(_ name: String, _ symbols: [String]) -> DriverFacts {
        let dir = directory
        let settings =
            configFile == nil ? [] : symbols.map { s in config[s].map { "\(s)=\($0)" } ?? "\(s) is not set" }
        if let f = files[name] {
            return DriverFacts(name: name, presence: .module, evidence: [.path(f)], config: settings)
        }
        if builtin.contains(name), let b = builtinPath {
            return DriverFacts(name: name, presence: .builtin, evidence: [.path(b)], config: settings)
        }
        if let c = configFile, !symbols.isEmpty, symbols.allSatisfy({ config[$0] == "y" }) {
            return DriverFacts(
                name: name, presence: .builtin, evidence: [c], config: settings,
                note: symbols.map { "\($0)=y" }.joined(separator: " and "))
        }
        var note = "no \(name == "pci_hyperv" ? "pci-hyperv" : name).ko* below \(dir)"
        note += builtinPath == nil ? ", no modules.builtin" : ", not in modules.builtin"
        if let c = configFile {
            // A declared module may name no config symbol: then only the file and modules.builtin tell.
            if let first = symbols.first {
                if config[first] == "m" {
                    note = "\(first)=m in \(c.value) but no module file below \(dir): a stripped modules package?"
                } else if symbols.count > 1, config[first] == "y" {
                    note += ", \(symbols[1]) is not y in \(c.value)"
                } else {
                    note += ", \(first) is not y in \(c.value)"
                }
            }
        } else {
            note += ", no kernel config"
        }
        var evidence: [Evidence] = [.path(dir)]
        if let b = builtinPath { evidence.append(.path(b)) }
        if let c = configFile { evidence.append(c) }
        return DriverFacts(name: name, presence: .missing, evidence: evidence, config: settings, note: note)
    }
}

extension String {
    /// `-` → `_`, as the kernel compares module names (bytes, as it does).
    func replacingDashes() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
