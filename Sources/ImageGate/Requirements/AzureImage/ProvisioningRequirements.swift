/// The provisioning and "generalized and safe to share" halves of profile `azure-image`
/// (docs/PROFILE-AZURE-IMAGE.md), in report order. The profile appends them to its container
/// and boot checks.
extension Requirement {
    static let azureImageProvisioning: [Requirement] = [
        .provisioningAgent, .waagentConf, .cloudInitDatasource, .cloudInitLeftovers, .noPersistentNetRules,
        .generalized, .noCredentials, .sshd, .sudoers,
        .hypervDaemons,
    ]
}

/// The pages PROFILE-AZURE-IMAGE.md cites for these checks, as `reference` text.
enum ProvisioningSources {
    static let generic = "Microsoft Learn, \"Prepare Linux for imaging in Azure\" (create-upload-generic)"
    static let redHat = "Microsoft Learn, \"Prepare a Red Hat-based virtual machine for Azure\""
    static let debian = "Microsoft Learn, \"Prepare a Debian Linux VHD for Azure\""
    static let suse = "Microsoft Learn, \"Prepare a SLES or openSUSE Leap virtual machine for Azure\""
    static let ubuntu = "Microsoft Learn, \"Prepare an Ubuntu virtual machine for Azure\""
    static let marketplace = "Azure Marketplace, \"Linux VM certification\" test requirements"
    /// microsoft/lisa `azure_image_standard.py`, one test case.
    static func lisa(_ testCase: String) -> String { "microsoft/lisa azure_image_standard.py `\(testCase)`" }

    static func joined(_ sources: String...) -> String { sources.joined(separator: "; ") }
}

extension Array where Element == String {
    /// `a, b and c`.
    var listed: String {
        count <= 1 ? joined() : dropLast().joined(separator: ", ") + " and " + (last ?? "")
    }
}
