import BlockIO

/// azure-vm-utils: the package, or the version compiled into `azure-nvme-id` (a source install
/// built with `cmake -DVERSION=…` stores it as its own C string).
public struct AzureVMUtilsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "azure-vm-utils"
    /// Where azure-nvme-id is installed.
    public static let binaries = ["/usr/sbin/azure-nvme-id", "/usr/bin/azure-nvme-id"]
    /// The binary is about 50 KiB; more than this is not read.
    static let maximumBinarySize = 8 << 20

    /// The guest paths this inspector reads.
    public var interest: GuestInterest { GuestInterest(Self.binaries) }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var a = AzureVMUtilsFacts()
        a.package = facts.package(named: "azure-vm-utils")
        for (path, r) in try tree.programs(Self.binaries) {
            a.binaries.append(.path(path))
            guard a.binaryVersion == nil else { continue }
            do {
                let bytes = try r.mount.fileSystem.contents(of: r.path, limit: Self.maximumBinarySize)
                if let v = Self.versionString(in: bytes) {
                    a.binaryVersion = PythonVersionFact(
                        version: v, variable: "compiled-in version", evidence: .path(path))
                } else {
                    a.problems.append("\(path): no version string found in the first \(bytes.count) bytes")
                }
            } catch let e as ImageError {
                a.problems.append("\(path): \(e.detail)")
            }
        }
        facts.azureVMUtils = a
    }

    /// The first NUL-delimited string that is entirely a version (`0.6.0`, `v0.6.0-3-gabc123`,
    /// `0.7.0-1.azl3`), a leading `v` dropped.
    static func versionString(in bytes: [UInt8]) -> String? {
        var start = 0
        for i in 0...bytes.count {
            guard i == bytes.count || bytes[i] == 0 else { continue }
            defer { start = i + 1 }
            let length = i - start
            guard length >= 3, length <= 64 else { continue }
            let s = String(decoding: bytes[start..<i], as: UTF8.self)
            if isVersion(s) { return s.hasPrefix("v") ? String(s.dropFirst()) : s }
        }
        return nil
    }

    /// `v?N.N.N` then optionally `-`, `+` or `~` and letters, digits, `.`, `_`, `-`, `+`, `~`.
    static func isVersion(_ s: String) -> Bool {
        var chars = Substring(s)
        if chars.first == "v" { chars = chars.dropFirst() }
        var numbers = 0
        var digits = 0
        while let c = chars.first {
            if c.isASCII && c.isNumber {
                digits += 1
            } else if c == "." && digits > 0 {
                numbers += 1
                digits = 0
            } else {
                break
            }
            chars = chars.dropFirst()
        }
        if digits > 0 { numbers += 1 }
        guard numbers >= 3 else { return false }
        guard let sep = chars.first else { return true }
        guard sep == "-" || sep == "+" || sep == "~" else { return false }
        return chars.dropFirst().allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-+~".contains($0) }
    }
}
