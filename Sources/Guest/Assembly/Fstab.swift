/// One line of `/etc/fstab` (fstab(5)): spec, mount point, type and options.
public struct FstabEntry: Sendable, Equatable, Codable {
    public var spec: String
    public var mountPoint: String
    public var type: String
    public var options: [String]
    /// 1-based line number in the file, for evidence.
    public var line: Int

    /// The value of `key=value` in the options (`subvol`, `subvolid`), nil when absent.
    public func option(_ key: String) -> String? {
        for o in options {
            if o == key { return "" }
            if o.hasPrefix(key + "=") { return String(o.dropFirst(key.count + 1)) }
        }
        return nil
    }

    /// Parses the file's text: comments and blank lines skipped, octal escapes (`\040`) decoded,
    /// lines with fewer than two fields ignored (as mount does).
    public static func parse(_ text: String) -> [FstabEntry] {
        var out: [FstabEntry] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { unescape(String($0)) }
            guard fields.count >= 2 else { continue }
            out.append(
                FstabEntry(
                    spec: fields[0], mountPoint: fields[1], type: fields.count > 2 ? fields[2] : "auto",
                    options: fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : ["defaults"],
                    line: i + 1))
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 4 <= u.count,
                let v = UInt8(String(decoding: u[(i + 1)..<(i + 4)], as: UTF8.self), radix: 8)
            {
                bytes.append(v)
                i += 4
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Types that are never on the image's own disks (pseudo, network and swap).
    static let virtualTypes: Set<String> = [
        "swap", "proc", "sysfs", "devpts", "tmpfs", "devtmpfs", "nfs", "nfs4", "cifs", "smbfs", "sshfs",
        "fuse", "fuse.sshfs", "9p", "virtiofs", "cgroup", "cgroup2", "securityfs", "debugfs", "hugetlbfs",
        "mqueue", "efivarfs", "binfmt_misc", "ramfs", "none", "overlay", "nfsd", "rpc_pipefs", "autofs",
    ]
}
