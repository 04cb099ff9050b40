/// The provisioning and "generalized and safe to share" halves of profile `azure-image`
/// (docs/PROFILE-AZURE-IMAGE.md), in report order. The profile appends them to its container
/// and boot checks.
extension Requirement {
    static let azureImageProvisioning: [Requirement] = []
}
