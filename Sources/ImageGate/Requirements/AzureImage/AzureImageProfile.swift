/// Profile `azure-image` (docs/PROFILE-AZURE-IMAGE.md): will Azure accept, boot, provision and
/// certify this image? Its ids are distinct from those of `azure-accelerated-networking`, so the
/// two can run together (`--profile azure-accelerated-networking,azure-image`).
extension Profile {
    public static let azureImage = Profile(
        name: "azure-image",
        requirements: Requirement.azureImageContainer + Requirement.azureImageProvisioning)
}

extension Requirement {
    /// "Container and disk", then "Boot", in the document's order.
    static let azureImageContainer: [Requirement] = [
        .vhdFormat, .vhdFooter, .vhdSizeAligned, .vhdSizeMax, .vhdQemuGeometry, .firstMiBFree, .bootMode,
        .initrdHyperV, .initrdNVMe, .kernelCmdlineConsole, .kernelCmdlineAvoid, .kernelModulesEnabled, .noSwapOSDisk,
        .fstabPersistent,
    ]

    /// The sources of docs/PROFILE-AZURE-IMAGE.md by their key, as a requirement's `reference`
    /// names them.
    static let azureImageSources: [(key: String, name: String)] = [
        ("G", "Microsoft Learn, \"Prepare Linux for imaging in Azure\" (create-upload-generic)"),
        ("R", "Microsoft Learn, \"Prepare a Red Hat-based virtual machine for Azure\""),
        ("D", "Microsoft Learn, \"Prepare a Debian VHD for Azure\""),
        ("S", "Microsoft Learn, \"Prepare a SLES or openSUSE Leap virtual machine for Azure\""),
        ("U", "Microsoft Learn, \"Prepare an Ubuntu virtual hard disk\""),
        ("M", "Azure Marketplace, \"Linux VM certification\" test requirements"),
        ("L", "microsoft/lisa azure_image_standard.py"),
    ]

    /// `reference` for profile `azure-image`: the sources named by their keys (`"G", "M"`),
    /// then anything more precise (a LISA test case, a tool's file).
    static func azureImageReference(_ keys: String..., detail: String? = nil) -> String {
        let names = keys.compactMap { k in azureImageSources.first { $0.key == k }.map { "[\(k)] \($0.name)" } }
        return (names + (detail.map { [$0] } ?? [])).joined(separator: "; ")
    }
}
