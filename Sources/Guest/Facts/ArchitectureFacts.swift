/// The instruction set the guest's programs are built for (profile `azure-image`:
/// `kernel-cmdline-console`, whose serial console is `ttyS0` on x86_64 and `ttyAMA0` on arm64).
///
/// Decided by the ELF header of the program the kernel starts as PID 1 (`ArchitectureInspector`):
/// that program must run on the CPU, so its `e_machine` is the guest's architecture. The other
/// facts are weaker witnesses: a package's `Architecture:` is per package (dpkg multiarch installs
/// foreign ones, and a folder or hand-built rootfs has no database), and the kernel image's
/// header names x86 only (an arm64 `vmlinuz` is often compressed, and EFI zboot wraps it).
public struct ArchitectureFacts: Sendable, Hashable, Codable {
    /// `x86_64`, `aarch64`, `i386`, `arm`, `ppc64le`, `s390x`, `riscv64`, or `ELF machine N` for
    /// another; nil when no program could be read (see `unknownReason`).
    public var name: String?
    /// The program read (its path as asked, before links) and the header field decided on.
    public var evidence: [Evidence]
    /// Why the architecture is not known; nil when `name` is set.
    public var unknownReason: String?

    /// Creates a value from its fields.
    public init(name: String? = nil, evidence: [Evidence] = [], unknownReason: String? = nil) {
        self.name = name
        self.evidence = evidence
        self.unknownReason = unknownReason
    }
}
