import BlockIO
import FileSystems

/// Kernels: each `/lib/modules/<release>` (and `/usr/lib/modules/<release>`, once each on a
/// merged-/usr guest), its image and the version string in the image's header, its config, its
/// initramfs path, and the package that owns it (none: a custom kernel).
public struct KernelInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "kernels"
    /// Where kernels keep their modules (both, for guests without merged /usr).
    public static let modulesRoots = ["/lib/modules", "/usr/lib/modules"]
    /// More kernels than this in one guest are not real: the rest are ignored (and said so).
    static let maximumKernels = 64

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest([
            "/lib/modules/*", "/usr/lib/modules/*", "/lib/modules/*/vmlinuz", "/usr/lib/modules/*/vmlinuz",
            "/lib/modules/*/config", "/usr/lib/modules/*/config", "/boot/vmlinuz-*", "/boot/config-*",
            "/boot/initrd.img-*", "/boot/initramfs-*.img", "/boot/initrd-*",
        ])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var kernels: [String: KernelFacts] = [:]
        for root in try SystemdUnitsInspector.distinctDirectories(tree, Self.modulesRoots) {
            for e in try tree.list(root) ?? [] where e.type == .directory {
                guard kernels[e.name] == nil else { continue }
                guard kernels.count < Self.maximumKernels else {
                    facts.problems.append(
                        InspectionProblem(
                            inspector: name, reason: "more than \(Self.maximumKernels) kernels; the rest ignored"))
                    break
                }
                kernels[e.name] = try inspectKernel(
                    tree, release: e.name, modulesDirectory: root + "/" + e.name, facts: &facts)
            }
        }
        facts.kernels = kernels.values.sorted()
    }

    /// One kernel's facts; a package database whose file lists cannot be read gets that error as
    /// its `readError` in `facts` (the owner of a kernel is what `kernel` decides on).
    func inspectKernel(_ tree: GuestTree, release: String, modulesDirectory: String, facts: inout GuestFacts)
        throws -> KernelFacts
    {
        var k = KernelFacts(release: release, modulesDirectory: .path(modulesDirectory))
        for path in ["/boot/vmlinuz-\(release)", modulesDirectory + "/vmlinuz"] {
            guard let r = try tree.resolve(path), r.attributes.type == .regular else { continue }
            var image = KernelImageFacts(path: .path(path), modificationTime: r.attributes.modificationTime)
            do {
                let head = try tree.read(path, at: 0, count: BzImageHeader.headerSize)
                let header = try BzImageHeader(head)
                if let pointer = header.versionStringOffset {
                    let bytes = try tree.read(path, at: pointer, count: BzImageHeader.maximumVersionLength)
                    let s = try BzImageHeader.versionString(bytes, at: pointer)
                    image.versionString = s
                    image.builtRelease = s.words.first
                } else {
                    image.unreadable = "boot protocol \(header.protocolVersion) has no kernel_version field"
                }
            } catch let e as ImageError {
                image.unreadable = e.detail
            }
            k.image = image
            break
        }
        for path in ["/boot/config-\(release)", modulesDirectory + "/config"] {
            if let r = try tree.resolve(path), r.attributes.type == .regular {
                k.config = .path(path)
                break
            }
        }
        for path in ["/boot/initrd.img-\(release)", "/boot/initramfs-\(release).img", "/boot/initrd-\(release)"] {
            if let r = try tree.resolve(path), r.attributes.type == .regular {
                k.initramfs = InitramfsImageFacts(path: .path(path), modificationTime: r.attributes.modificationTime)
                break
            }
        }
        if let db = tree.packageDatabase.withLock({ $0 }) {
            var asked: [String] = []
            if let image = k.image { asked.append(image.path.value) }
            asked += [
                modulesDirectory + "/modules.builtin", "/lib/modules/\(release)/modules.builtin",
                "/usr/lib/modules/\(release)/modules.builtin", modulesDirectory, "/lib/modules/\(release)",
                "/usr/lib/modules/\(release)",
            ]
            do {
                k.ownershipKnown = true
                for path in asked {
                    let owners = try db.owners(of: path)
                    if !owners.isEmpty {
                        k.owners = owners
                        k.ownerEvidence = [.path(path), .path(db.evidence)]
                        break
                    }
                }
                if k.owners.isEmpty { k.ownerEvidence = [.path(asked[0]), .path(db.evidence)] }
            } catch let e as ImageError {
                k.ownershipKnown = false
                k.problems.append("owner unknown: \(e.detail)")
                if facts.packageDatabase.readError == nil {
                    facts.packageDatabase.readError = PackageDatabaseFacts.ReadError(e)
                }
            }
        } else {
            k.problems.append("owner unknown: package database \(facts.packageDatabase.unreadable ?? "not read")")
        }
        return k
    }
}

/// The start of an x86 bzImage: the real-mode header of the Linux boot protocol.
///
/// ```
/// 0x1FE  u16  boot_flag       0xAA55
/// 0x202  u32  header          "HdrS"
/// 0x206  u16  version         boot protocol (0x020F = 2.15)
/// 0x20E  u16  kernel_version  pointer to the version string, minus 0x200 (protocol ≥ 2.00)
/// ```
/// Linux `Documentation/arch/x86/boot.rst`, "The Real-Mode Kernel Header".
struct BzImageHeader {
    static let headerSize = 0x210
    /// The version string is read at most this long (it is about 100 bytes).
    static let maximumVersionLength = 256

    let protocolVersion: String
    /// The file offset of the version string; nil when the field is zero.
    let versionStringOffset: UInt64?

    init(_ bytes: [UInt8]) throws {
        var r = ByteReader(bytes, layer: "bzImage")
        guard bytes.count >= Self.headerSize else {
            throw ImageError("bzImage", .truncated, "\(bytes.count) bytes: too short for a bzImage header", at: 0)
        }
        try r.seek(to: 0x1FE)
        guard try r.u16le() == 0xAA55 else {  // 0x1FE boot_flag
            throw ImageError("bzImage", .badMagic, "not an x86 bzImage (no boot flag 0xAA55)", at: 0x1FE)
        }
        try r.seek(to: 0x202)
        try r.expect(Array("HdrS".utf8), "bzImage header")  // 0x202 header
        let version = try r.u16le()  // 0x206 version
        protocolVersion = "\(version >> 8).\(String(format2: version & 0xFF))"
        try r.seek(to: 0x20E)
        let pointer = try r.u16le()  // 0x20E kernel_version
        versionStringOffset = version >= 0x0200 && pointer != 0 ? UInt64(pointer) + 0x200 : nil
    }

    /// The NUL-terminated printable string at the start of `bytes` (read at `offset`).
    static func versionString(_ bytes: [UInt8], at offset: UInt64) throws -> String {
        guard let end = bytes.firstIndex(of: 0) else {
            throw ImageError(
                "bzImage", .corrupt, "kernel_version string not terminated within \(maximumVersionLength) bytes",
                at: offset)
        }
        let s = bytes[..<end]
        guard !s.isEmpty, s.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw ImageError("bzImage", .corrupt, "kernel_version string is not printable", at: offset)
        }
        return String(decoding: s, as: UTF8.self)
    }
}

extension String {
    /// Two decimal digits (`02`), without Foundation.
    init(format2 v: UInt16) { self = v < 10 ? "0\(v)" : "\(v)" }
}
