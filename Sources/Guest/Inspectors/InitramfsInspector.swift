import BlockIO
import FileSystems

/// The initramfs hooks of azure-vm-utils and, for each kernel's initramfs, whether it holds the
/// udev rule (REQUIREMENTS.md `initramfs-rule`) and which of the Hyper-V and NVMe modules Azure
/// boots with are inside it or built into the kernel (PROFILE-AZURE-IMAGE.md `initrd-hyperv`,
/// `initrd-nvme`). Listing an image means decompressing tens of MiB, once per kernel.
public struct InitramfsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "initramfs"
    /// The hooks azure-vm-utils installs for initramfs-tools and dracut.
    public static let hooks = [
        "/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov",
        "/usr/lib/dracut/modules.d/97azure-unmanaged-sriov",
        "/lib/dracut/modules.d/97azure-unmanaged-sriov",
    ]

    /// It walks the kernels `KernelInspector` finds.
    public var prerequisites: [any Inspector] { [KernelInspector()] }

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(
            Self.hooks + [
                "/boot/initrd.img-*", "/boot/initramfs-*.img", "/boot/initrd-*", "/lib/modules/*/modules.builtin",
                "/usr/lib/modules/*/modules.builtin", "/boot/config-*",
            ])
    }

    /// List each kernel's initramfs even without a hook (`DeclaredInterest.initramfsImages`).
    public let listsEveryImage: Bool

    /// Creates the inspector; by default images are listed only when a hook is installed.
    public init(listsEveryImage: Bool = false) { self.listsEveryImage = listsEveryImage }

    /// No later inspector reads the initramfs facts: it runs beside them (`GuestInspector`).
    public var runsBesideLaterOnes: Bool { true }

    /// The hooks and each kernel's initramfs image.
    public func merge(_ result: GuestFacts, base: GuestFacts, into facts: inout GuestFacts) {
        facts.initramfs = result.initramfs
        for (i, k) in result.kernels.enumerated() where i < facts.kernels.count {
            facts.kernels[i].initramfs = k.initramfs
        }
    }

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var seen = Set<String>()
        var hooks: [Evidence] = []
        for path in Self.hooks {
            if let c = try tree.canonical(path), seen.insert(c).inserted { hooks.append(.path(path)) }
        }
        let lists = !hooks.isEmpty || listsEveryImage
        facts.initramfs = InitramfsFacts(
            hooks: hooks,
            imagesNotRead: lists ? nil : "no hook installed and no check asked for the boot modules: images not read")
        let wanted = Set(InitramfsImageFacts.bootModules.map(\.name))
        for i in facts.kernels.indices {
            guard var image = facts.kernels[i].initramfs else { continue }
            (image.builtin, image.builtinEvidence) = try builtin(tree, facts.kernels[i])
            guard lists else {
                facts.kernels[i].initramfs = image
                continue
            }
            do {
                guard let r = try tree.resolve(image.path.value), r.attributes.type == .regular else {
                    throw ImageError("initramfs", .notFound, "no such file: \(image.path.value)")
                }
                let archive = try InitramfsListing(
                    fileSystem: r.mount.fileSystem, path: r.path, size: r.attributes.size, name: image.path.value)
                image.archives = archive.archives
                image.entryCount = archive.names.count
                image.rulePath = archive.names.first { $0.hasSuffix("udev/rules.d/" + UdevRuleFacts.fileName) }
                image.containsRule = image.rulePath != nil
                image.modules = Set(
                    archive.names.compactMap { n in
                        DriverInspector.moduleName(String(n).lastPathComponent).flatMap {
                            wanted.contains($0) ? $0 : nil
                        }
                    }
                ).sorted()
            } catch let e as ImageError {
                image.unreadable = e.description
            }
            facts.kernels[i].initramfs = image
        }
    }

    /// Of `InitramfsImageFacts.bootModules`, those built into `kernel`: a line of its
    /// modules.builtin, or `=y` for the symbol in its config. Sorted, with the files read.
    func builtin(_ tree: GuestTree, _ kernel: KernelFacts) throws -> ([String], [Evidence]) {
        var names = Set<String>()
        var evidence: [Evidence] = []
        let path = kernel.modulesDirectory.value + "/modules.builtin"
        if let f = try tree.text(path, limit: DriverInspector.maximumConfigSize) {
            evidence.append(.path(path))
            for line in f.text.activeLines {
                if let m = DriverInspector.moduleName(line.lastPathComponent) { names.insert(m) }
            }
        }
        if let c = kernel.config, let f = try tree.text(c.value, limit: DriverInspector.maximumConfigSize) {
            evidence.append(c)
            let config = DriverInspector.parseConfig(
                f.text, symbols: Set(InitramfsImageFacts.bootModules.map(\.config)))
            for (name, symbol) in InitramfsImageFacts.bootModules where config[symbol] == "y" { names.insert(name) }
        }
        return (InitramfsImageFacts.bootModules.map(\.name).filter(names.contains), evidence)
    }
}
