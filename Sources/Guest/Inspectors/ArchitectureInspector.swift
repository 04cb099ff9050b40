import BlockIO

/// The guest's architecture: the ELF header of the first program of the kernel's own list of
/// what to run as PID 1 (`init/main.c`, `kernel_init`: `/sbin/init`, `/etc/init`, `/bin/init`,
/// `/bin/sh`), then systemd where a link to it is missing. See `ArchitectureFacts` for why this
/// and not a package's architecture or the kernel image.
public struct ArchitectureInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "architecture"
    /// The programs tried, in order; the first that is a regular ELF file after links decides.
    static let programs = [
        "/sbin/init", "/etc/init", "/bin/init", "/bin/sh", "/usr/lib/systemd/systemd", "/lib/systemd/systemd",
    ]

    /// The guest paths this inspector reads (with their merged-/usr spellings: a tarball keeps
    /// entries by the path they are stored under).
    public var interest: GuestInterest {
        GuestInterest(Self.programs + ["/usr/sbin/init", "/usr/bin/init", "/usr/bin/sh"])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Fills `facts.architecture`.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var notELF: [String] = []
        for path in Self.programs {
            guard let r = try tree.resolve(path), r.attributes.type == .regular else { continue }
            do {
                let header = try ELFHeader(try tree.read(path, at: 0, count: ELFHeader.size))
                facts.architecture = ArchitectureFacts(
                    name: header.architecture,
                    evidence: [.path(path), .structure("ELF e_machine \(header.machine) at byte 0x12")])
                return
            } catch let e as ImageError {
                notELF.append("\(path): \(e.detail)")
            }
        }
        facts.architecture = ArchitectureFacts(
            unknownReason: notELF.isEmpty
                ? "none of \(Self.programs.joined(separator: ", ")) exists"
                : notELF.joined(separator: "; "))
    }
}

/// The identification and machine fields of an ELF header, the same in ELF32 and ELF64.
///
/// ```
/// 0x00  u8[4]  e_ident[EI_MAG]    0x7F 'E' 'L' 'F'
/// 0x04  u8     e_ident[EI_CLASS]  1 = 32-bit, 2 = 64-bit
/// 0x05  u8     e_ident[EI_DATA]   1 = little-endian, 2 = big-endian
/// 0x10  u16    e_type             (in EI_DATA's byte order)
/// 0x12  u16    e_machine
/// ```
/// System V ABI, "ELF Header"; machine numbers from `elf.h`.
struct ELFHeader {
    static let size = 0x14

    let is64Bit: Bool
    let littleEndian: Bool
    let machine: UInt16

    init(_ bytes: [UInt8]) throws {
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {  // 0x00 EI_MAG
            throw ImageError("ELF", .badMagic, "not an ELF file (no 0x7F 'ELF' magic)", at: 0)
        }
        guard bytes.count >= Self.size else {
            throw ImageError("ELF", .truncated, "\(bytes.count) bytes: too short for an ELF header", at: 0)
        }
        var r = ByteReader(bytes, layer: "ELF")
        try r.seek(to: 4)
        let elfClass = try r.u8()  // 0x04 EI_CLASS
        let data = try r.u8()  // 0x05 EI_DATA
        guard (1...2).contains(elfClass) else {
            throw ImageError("ELF", .unsupported, "EI_CLASS \(elfClass)", at: 4)
        }
        guard (1...2).contains(data) else { throw ImageError("ELF", .unsupported, "EI_DATA \(data)", at: 5) }
        is64Bit = elfClass == 2
        littleEndian = data == 1
        try r.seek(to: 0x12)
        machine = littleEndian ? try r.u16le() : try r.u16be()  // 0x12 e_machine
    }

    /// The architecture's usual Linux name (`uname -m`).
    var architecture: String {
        switch (machine, is64Bit) {
        case (62, true): "x86_64"
        case (183, true): "aarch64"
        case (3, false): "i386"
        case (40, false): "arm"
        case (21, true): littleEndian ? "ppc64le" : "ppc64"
        case (22, true): "s390x"
        case (243, true): "riscv64"
        default: "ELF machine \(machine)\(is64Bit ? "" : " (32-bit)")"
        }
    }
}
