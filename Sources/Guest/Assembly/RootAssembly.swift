import BlockIO
import FileSystems
import Volumes

/// What happened to one fstab entry.
public struct MountReport: Sendable, Codable, Equatable {
    public var mountPoint: String
    public var spec: String
    public var type: String
    /// Encoded as `mounted` / `skipped` (the JSON strings it always had).
    public enum Status: String, Sendable, Codable { case mounted, skipped }
    /// `mounted`, or `skipped` with a reason.
    public var status: Status
    /// The volume it came from (`partition 2`), when found.
    public var volume: String?
    public var reason: String?
}

/// A file system that looks like a root (has `/etc/fstab` and an os-release).
public struct RootCandidate: Sendable {
    public var volume: String
    public var fileSystem: any FileSystem
    /// The subvolume it is in, for btrfs roots not at the default subvolume.
    public var subvolume: String?
}

/// Finds the roots, picks the one to check and mounts what its `/etc/fstab` names
/// (libguestfs-style inspection), recording the reason for every decision.
public struct RootAssembly: Sendable {
    public var candidates: [RootCandidate]
    /// The checked root's volume name.
    public var rootVolume: String
    public var mounts: [MountReport]
    public var tree: GuestTree

    /// A root: an os-release (or a distribution's release file) and, on a disk, an `/etc/fstab`.
    /// An image that is one file system (a folder, a tarball) needs no fstab: container exports,
    /// mkosi and KIWI tar outputs and minimal EL9 rootfs archives have none.
    static func looksLikeRoot(_ fs: any FileSystem, needsFstab: Bool = true) throws -> Bool {
        if needsFstab, fs.typeName != "directory", try fs.attributes(of: FSPath("/etc/fstab")) == nil { return false }
        for p in [
            "/etc/os-release", "/usr/lib/os-release", "/etc/redhat-release", "/etc/SuSE-release", "/etc/debian_version",
        ]
        where try fs.attributes(of: FSPath(p)) != nil {
            return true
        }
        return false
    }

    static func assemble(_ volumes: [FoundVolume], options: OpenOptions, applyFstab: Bool, readWidth: Int = 1) throws
        -> RootAssembly
    {
        try assemble(
            candidates: try candidates(volumes, applyFstab: applyFstab), volumes, options: options,
            applyFstab: applyFstab,
            readWidth: readWidth)
    }

    /// The assembly, or why there is none when no volume holds a root but one holds a file system
    /// we read and the caller browses (`OpenOptions.requireRoot` false): a data disk or a bare
    /// file system is still listed by `inspect` and read by `ls`/`cat --volume`.
    static func assembleOrRootless(_ volumes: [FoundVolume], options: OpenOptions, applyFstab: Bool, readWidth: Int = 1)
        throws -> Result<RootAssembly, ImageError>
    {
        let candidates = try candidates(volumes, applyFstab: applyFstab)
        if candidates.isEmpty, !options.requireRoot, volumes.contains(where: { $0.fileSystem != nil }) {
            return .failure(noRoot(volumes, applyFstab: applyFstab))
        }
        return .success(
            try assemble(
                candidates: candidates, volumes, options: options, applyFstab: applyFstab, readWidth: readWidth))
    }

    /// The file systems (and btrfs subvolumes) that look like a root, in volume order.
    static func candidates(_ volumes: [FoundVolume], applyFstab: Bool) throws -> [RootCandidate] {
        var candidates: [RootCandidate] = []
        for v in volumes {
            guard let fs = v.fileSystem else { continue }
            if try looksLikeRoot(fs, needsFstab: applyFstab) {
                candidates.append(RootCandidate(volume: v.volume.name, fileSystem: fs))
            } else if let sub = fs.subvolumeProvider {
                // SUSE-style: the root may live in a subvolume that is not the default one.
                let top = try sub.topLevel()
                for e in try top.contents(ofDirectory: .root) where e.type == .directory {
                    // A plain directory beside the subvolumes is not one: `subvol=` refuses it too.
                    let sfs: any FileSystem
                    do {
                        sfs = try sub.subvolume(path: e.name)
                    } catch let error as ImageError where error.kind == .unsupported || error.kind == .notFound {
                        continue
                    }
                    if try looksLikeRoot(sfs) {
                        candidates.append(RootCandidate(volume: v.volume.name, fileSystem: sfs, subvolume: e.name))
                    }
                }
            }
        }
        // A disk whose one root-like file system has no fstab (a bare file-system image, or a
        // disk holding a single root) is that root, with nothing mounted beside it.
        if candidates.isEmpty, applyFstab {
            let bare = try volumes.filter { v in
                try v.fileSystem.map { try looksLikeRoot($0, needsFstab: false) } ?? false
            }
            if bare.count == 1, let v = bare.first, let fs = v.fileSystem {
                candidates.append(RootCandidate(volume: v.volume.name, fileSystem: fs))
            }
        }
        return candidates
    }

    /// Why no root was found: an encrypted volume, an empty partition table, or what each volume holds.
    static func noRoot(_ volumes: [FoundVolume], applyFstab: Bool) -> ImageError {
        if let luks = volumes.first(where: { $0.volume.content.kind == .encrypted }) {
            let version = luks.volume.content.version.map { "LUKS\($0)" } ?? "LUKS"
            return ImageError(
                "guest", .unsupported,
                "cannot be inspected offline: root is encrypted (\(version)) on \(luks.volume.name)")
        }
        // A partition table with no entries leaves nothing to list (it printed "()").
        guard !volumes.isEmpty else {
            return ImageError("guest", .notFound, "no root file system found (the partition table lists no partitions)")
        }
        let lacking = applyFstab ? "no /etc/fstab with an os-release" : "no os-release"
        let why = volumes.map { "\($0.volume.name): \($0.reason ?? ($0.identity?.type ?? "?") + ", " + lacking)" }
        return ImageError("guest", .notFound, "no root file system found (\(why.joined(separator: "; ")))")
    }

    static func assemble(
        candidates: [RootCandidate], _ volumes: [FoundVolume], options: OpenOptions, applyFstab: Bool, readWidth: Int
    ) throws -> RootAssembly {
        guard !candidates.isEmpty else { throw noRoot(volumes, applyFstab: applyFstab) }
        var chosen = candidates[0]
        if let want = options.root {
            guard
                let c = candidates.first(where: { c in
                    if c.volume == want { return true }
                    guard let v = volumes.first(where: { $0.volume.name == c.volume }) else { return false }
                    return v.volume.devicePaths.contains(want) || v.identity?.uuid?.lowercased() == want.lowercased()
                        || v.identity?.label == want
                })
            else {
                throw ImageError(
                    "guest", .notFound,
                    "--root \(want) matches none of the roots found: \(candidates.map(\.volume).joined(separator: ", "))"
                )
            }
            chosen = c
        }
        var mounts = [GuestMount(mountPoint: .root, fileSystem: chosen.fileSystem, source: chosen.volume)]
        var reports: [MountReport] = []
        if applyFstab, try chosen.fileSystem.attributes(of: FSPath("/etc/fstab")) != nil {
            let text = String(
                decoding: try chosen.fileSystem.contents(of: FSPath("/etc/fstab"), limit: 1 << 20), as: UTF8.self)
            for entry in FstabEntry.parse(text) {
                let (mount, report) = try mountEntry(
                    entry, volumes: volumes, rootFS: chosen.fileSystem, mounted: mounts)
                if let mount { mounts.append(mount) }
                if let report { reports.append(report) }
            }
        }
        return RootAssembly(
            candidates: candidates, rootVolume: chosen.volume, mounts: reports,
            tree: GuestTree(mounts: mounts, readWidth: readWidth))
    }

    /// Matches one fstab entry with a volume and opens it at its mount point.
    static func mountEntry(_ e: FstabEntry, volumes: [FoundVolume], rootFS: any FileSystem, mounted: [GuestMount])
        throws -> (GuestMount?, MountReport?)
    {
        func skip(_ reason: String, volume: String? = nil) -> (GuestMount?, MountReport?) {
            (
                nil,
                MountReport(
                    mountPoint: e.mountPoint, spec: e.spec, type: e.type, status: .skipped, volume: volume,
                    reason: reason)
            )
        }
        if e.type == "swap" || e.mountPoint == "none" || e.mountPoint == "swap" { return skip("swap") }
        if FstabEntry.virtualTypes.contains(e.type) { return skip("\(e.type) is not on the image's disks") }
        guard e.mountPoint.hasPrefix("/"), let point = try? FSPath(e.mountPoint) else {
            return skip("mount point is not an absolute path")
        }
        if e.options.contains("bind") || e.options.contains("rbind") {
            let tree = GuestTree(mounts: mounted)
            guard let src = try tree.resolve(e.spec), src.attributes.type == .directory else {
                return skip("bind source \(e.spec) is not a directory in the guest")
            }
            let m = GuestMount(
                mountPoint: point, fileSystem: src.mount.fileSystem, subpath: src.path, source: "bind \(e.spec)")
            return (
                m,
                MountReport(
                    mountPoint: e.mountPoint, spec: e.spec, type: e.type, status: .mounted, volume: src.mount.source)
            )
        }
        guard let v = match(e.spec, volumes) else {
            if point.isRoot { return (nil, nil) }
            return skip("no volume matches \(e.spec)")
        }
        guard var fs = v.fileSystem else {
            if point.isRoot || point.components == ["usr"] {
                throw ImageError(
                    "guest", .unsupported,
                    "\(e.mountPoint) on \(v.volume.name) cannot be read: \(v.reason ?? "unknown")")
            }
            return skip(v.reason ?? "unreadable", volume: v.volume.name)
        }
        var source = v.volume.name
        if let sub = fs.subvolumeProvider {
            if let id = e.option("subvolid"), let n = UInt64(id) {
                fs = try sub.subvolume(id: n)
                source += " subvolid=\(n)"
            } else if let path = e.option("subvol") {
                let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
                fs = trimmed.isEmpty ? try sub.topLevel() : try sub.subvolume(path: trimmed)
                source += " subvol=\(path)"
            }
        }
        if point.isRoot {
            return (nil, MountReport(mountPoint: "/", spec: e.spec, type: e.type, status: .mounted, volume: source))
        }
        return (
            GuestMount(mountPoint: point, fileSystem: fs, source: source),
            MountReport(mountPoint: e.mountPoint, spec: e.spec, type: e.type, status: .mounted, volume: source)
        )
    }

    /// The volume an fstab spec names: `UUID=`, `LABEL=`, `PARTUUID=`, `PARTLABEL=`, `/dev/disk/by-*/`,
    /// `/dev/mapper/…`, `/dev/<vg>/<lv>` or a kernel name (`/dev/sda2`, `/dev/nvme0n1p2`).
    static func match(_ spec: String, _ volumes: [FoundVolume]) -> FoundVolume? {
        func value(_ prefix: String) -> String? {
            if spec.hasPrefix(prefix + "=") { return unquote(String(spec.dropFirst(prefix.count + 1))) }
            let byDir = "/dev/disk/by-\(prefix.lowercased())/"
            if spec.hasPrefix(byDir) { return String(spec.dropFirst(byDir.count)) }
            return nil
        }
        if let u = value("UUID") { return volumes.first { $0.identity?.uuid?.lowercased() == u.lowercased() } }
        if let l = value("LABEL") { return volumes.first { $0.identity?.label == l } }
        if let p = value("PARTUUID") {
            return volumes.first {
                if case .partition(let part) = $0.volume.origin { return part.uuid?.lowercased() == p.lowercased() }
                return false
            }
        }
        if let p = value("PARTLABEL") {
            return volumes.first {
                if case .partition(let part) = $0.volume.origin { return part.name == p }
                return false
            }
        }
        if let v = volumes.first(where: { $0.volume.devicePaths.contains(spec) }) { return v }
        // Kernel names: the trailing partition number of sdX/vdX/xvdX/hdX, or pN of nvme/mmcblk.
        if spec.hasPrefix("/dev/") {
            let name = spec.dropFirst(5)
            let digits = String(name.reversed().prefix(while: \.isNumber).reversed())
            if let n = Int(digits), !digits.isEmpty {
                let stem = name.dropLast(digits.count)
                let ok = stem.hasSuffix("p") || stem.allSatisfy { $0.isLetter }
                if ok {
                    return volumes.first {
                        if case .partition(let part) = $0.volume.origin { return part.number == n }
                        return false
                    }
                }
            }
        }
        return nil
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, (s.first == "\"" && s.last == "\"") || (s.first == "'" && s.last == "'") {
            return String(s.dropFirst().dropLast())
        }
        return s
    }
}
