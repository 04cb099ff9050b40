/// The requirements of a profile, in report order.
public struct Profile: Sendable {
    public let name: String
    public let requirements: [Requirement]

    /// Microsoft's Accelerated Networking overview, checked offline (docs/REQUIREMENTS.md).
    public static let azureAcceleratedNetworking = Profile(
        name: "azure-accelerated-networking",
        requirements: [
            .kernel, .drivers, .cloudInit, .azureVMUtils, .udevRule, .networkManagers, .networkdUnmanaged,
            .syntheticBinding, .cloudInitAzure, .initramfsRule, .vmSize, .vfTraffic, .nmManagedOverride, .rpFilter,
        ])

    /// Every built-in profile, in the order `imagegate requirements` lists them.
    public static let all = [azureAcceleratedNetworking, azureImage]

    /// One profile, or several as one: `a,b` runs a's requirements then b's, and the report's
    /// profile is `a,b` (names joined by `,`, as given). Nil when `list` is not valid (see `parse`).
    public static func named(_ list: String) -> Profile? { try? parse(list) }

    /// `named`, saying what is wrong: an unknown, empty or repeated name.
    public static func parse(_ list: String) throws(ProfileListError) -> Profile {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var profiles: [Profile] = []
        for name in names {
            guard let p = all.first(where: { $0.name == name }) else {
                throw ProfileListError(
                    description: name.isEmpty
                        ? "empty profile name in '\(list)'"
                        : "unknown profile '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
            }
            guard !profiles.contains(where: { $0.name == name }) else {
                throw ProfileListError(description: "profile '\(name)' given twice in '\(list)'")
            }
            profiles.append(p)
        }
        if profiles.count == 1 { return profiles[0] }
        return Profile(name: names.joined(separator: ","), requirements: profiles.flatMap(\.requirements))
    }
}

/// Why a `--profile` list was refused.
public struct ProfileListError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension Requirement {
    /// Every requirement of every profile, profile by profile (ids are unique across profiles and
    /// never change, so any combination of profiles has unique ids).
    public static var catalog: [Requirement] { Profile.all.flatMap(\.requirements) }
}

/// What the profile cannot check from an image at all, listed by `imagegate requirements`.
public enum OutOfScope {
    public static let items: [(topic: String, reason: String)] = [
        (
            "Enabling Accelerated Networking on a stopped VM or its NIC",
            "a property of the Azure resource, not of the image"
        ),
        ("Classic (ASM) deployments", "a deployment model, not part of the image"),
        ("Region availability", "decided by Azure at deployment time"),
        (
            "Whether the NIC driver is current with the distribution's latest kernel",
            "needs the distribution's live package index; the image only shows what is installed"
        ),
    ]
}
