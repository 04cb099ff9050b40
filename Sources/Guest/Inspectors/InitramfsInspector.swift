import BlockIO
import FileSystems

/// The initramfs hooks of azure-vm-utils and, when one is installed, whether each kernel's
/// initramfs holds the udev rule (REQUIREMENTS.md `initramfs-rule`). Without a hook the images
/// are not opened: listing one means decompressing tens of MiB.
public struct InitramfsInspector: Inspector {
    /// The inspector's name in problems.
    public let name = "initramfs"
    /// The hooks azure-vm-utils installs for initramfs-tools and dracut.
    public static let hooks = [
        "/usr/share/initramfs-tools/hooks/azure-unmanaged-sriov",
        "/usr/lib/dracut/modules.d/97azure-unmanaged-sriov",
        "/lib/dracut/modules.d/97azure-unmanaged-sriov",
    ]

    /// The guest paths this inspector reads.
    public var interest: GuestInterest {
        GuestInterest(Self.hooks + ["/boot/initrd.img-*", "/boot/initramfs-*.img", "/boot/initrd-*"])
    }

    /// Creates the inspector (it has no settings).
    public init() {}

    /// Reads its paths of `tree` and fills its part of `facts`; problems are recorded, not thrown.
    public func inspect(_ tree: GuestTree, into facts: inout GuestFacts) throws {
        var seen = Set<String>()
        var hooks: [Evidence] = []
        for path in Self.hooks {
            if let c = try tree.canonical(path), seen.insert(c).inserted { hooks.append(.path(path)) }
        }
        facts.initramfs = InitramfsFacts(
            hooks: hooks, imagesNotRead: hooks.isEmpty ? "no hook installed: images not read" : nil)
        guard !hooks.isEmpty else { return }
        for i in facts.kernels.indices {
            guard var image = facts.kernels[i].initramfs else { continue }
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
            } catch let e as ImageError {
                image.unreadable = e.description
            }
            facts.kernels[i].initramfs = image
        }
    }
}
